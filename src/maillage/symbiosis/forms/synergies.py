"""Forms of synergies: the quantity exchanged in a month, and the note of a decline or end."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExchangeForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Give the month as YYYY-MM, e.g. 2026-03.")},
    )
    quantity = forms.DecimalField(
        label=_("Quantity exchanged"), min_value=0, max_digits=14, decimal_places=3
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)

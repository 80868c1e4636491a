"""Hand correction of the processes a part needs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.equipment.models import Process


class ProcessesForm(forms.Form):
    processes = forms.ModelMultipleChoiceField(
        label=_("Processes"),
        queryset=Process.objects.order_by("position", "code"),
        help_text=_("Kept as a hand correction when the manifest is imported again."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

"""Forms of the factor pages: a coordinator's new value, or back to the shipped one.

The hidden `expected_version` is the version the coordinator read: the action refuses the change
when someone else saved another version meanwhile. Values are checked again by the action.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.sharing.forms import DecimalCommaField

MAX_TEXT = 1000


class OverrideForm(forms.Form):
    value = DecimalCommaField(label=_("New value"))
    source = forms.CharField(
        label=_("Source"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who measured or published it: a study, a survey, a measure, with its title."),
    )
    year = forms.IntegerField(label=_("Year of the source"), min_value=1900, max_value=9999)
    note = forms.CharField(
        label=_("Why it changes"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RevertForm(forms.Form):
    note = forms.CharField(
        label=_("Why it goes back"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

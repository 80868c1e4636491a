"""Maintenance forms: breakdowns. They shape the input; the actions check and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportForm(forms.Form):
    description = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What you saw, heard or smelt, and what you were doing."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ConfirmForm(forms.Form):
    estimated_end = forms.DateTimeField(
        label=_("Down until about"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason or note"), required=False, max_length=2000)


class RebookForm(forms.Form):
    safety_acknowledged = forms.BooleanField(
        label=_("I have read the safety notes of this machine"), required=False
    )

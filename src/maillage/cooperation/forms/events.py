"""The form of a new event. It shapes the input; the action checks and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.forms.governance import choices_of
from maillage.cooperation.models import Body, Network
from maillage.core.dates import validate_in_window
from maillage.directory.models import Commune, Organisation, OrganisationStatus

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class CommuneField(forms.ModelChoiceField):
    """A commune typed by its INSEE code (the list of 35 000 communes is too long to choose)."""

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        found = Commune.objects.filter(insee_code=text).first()
        if found is None:
            raise forms.ValidationError(_("No commune has this INSEE code."), code="invalid")
        return found


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start = forms.DateTimeField(
        label=_("Start"),
        widget=MOMENT,
        input_formats=MOMENT_FORMATS,
        validators=[validate_in_window],
    )
    end = forms.DateTimeField(
        label=_("End"),
        widget=MOMENT,
        input_formats=MOMENT_FORMATS,
        validators=[validate_in_window],
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    commune = CommuneField(
        label=_("Commune (INSEE code)"),
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Empty for no limit.")
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organisation.objects.none(), required=False
    )
    body = forms.ModelChoiceField(
        label=_("Meeting of (optional)"), queryset=Body.objects.none(), required=False
    )
    is_public = forms.BooleanField(label=_("Public"), required=False, initial=True)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        validated = Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
        choices_of(self, "organiser", validated.order_by("name"))
        choices_of(self, "body", network.bodies.all())

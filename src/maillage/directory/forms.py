"""Page forms. They shape the input; the actions validate and save it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import input_from
from maillage.core.validators import validate_single_line
from maillage.directory.actions.organisations import OrganisationInput
from maillage.directory.actions.sites import SiteInput
from maillage.directory.models import (
    Department,
    FieldOfAction,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Role,
    User,
)


def department_choices() -> list[tuple[str, str]]:
    """The departments as select options, their code before their name."""
    return [(d.code, f"{d.code} {d.name}") for d in Department.objects.all()]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    # Named like the action's input, so that its errors land beside this field.
    fields = forms.MultipleChoiceField(  # type: ignore[assignment]
        label=_("Fields of action"),
        choices=FieldOfAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    naf_code = forms.CharField(
        label=_("NAF rev. 2 code"),
        required=False,
        max_length=10,
        help_text=_("Main activity code, e.g. 25.62A (machining)."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    website = forms.CharField(label=_("Website"), required=False, max_length=200)
    contact_email = forms.CharField(label=_("Contact e-mail"), required=False, max_length=254)

    def to_input(self) -> OrganisationInput:
        return input_from(self, OrganisationInput, fields=list(self.cleaned_data["fields"]))

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict[str, Any]:
        return asdict(OrganisationInput.of(organisation))


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site name"), required=False, max_length=200)
    address = forms.CharField(label=_("Street address"), required=False, max_length=300)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=10)
    commune = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=120,
        help_text=_("We place the site at the commune; move the marker to refine."),
    )
    country = forms.CharField(label=_("Country code"), initial="FR", max_length=2)
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    is_main = forms.BooleanField(label=_("Main site"), required=False)

    def to_input(self) -> SiteInput:
        return input_from(self, SiteInput, country=self.cleaned_data["country"] or "FR")


class SignUpForm(UserCreationForm):
    email = forms.EmailField(label=_("E-mail"), required=True)
    # Names go into e-mail subjects ("X asks to join Y"): one line only.
    first_name = forms.CharField(
        label=_("First name"), required=False, max_length=150, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), required=False, max_length=150, validators=[validate_single_line]
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account already uses this e-mail address."))
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class ModerationForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=OrganisationStatus.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    duplicate_of = forms.CharField(label=_("Duplicate of (slug)"), required=False, max_length=80)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)

"""Forms of the network's running pages. They shape the input; the actions check and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.models import (
    Body,
    BodyKind,
    College,
    DecisionRule,
    DocumentKind,
    Network,
    SeatRole,
    VoteChoice,
)
from maillage.cooperation.queries.governance import current_members
from maillage.core.dates import validate_in_window
from maillage.directory.models import MembershipState, Organisation, OrganisationStatus, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def choices_of(form: forms.Form, name: str, queryset: QuerySet[Any]) -> forms.ModelChoiceField:
    """Give the form's model choice field its options, read when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    return field


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE, validators=[validate_in_window]
    )


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    college = forms.ModelChoiceField(label=_("College"), queryset=College.objects.none())
    start = _date(_("Member since"))
    fee = forms.DecimalField(
        label=_("Fee (€ per year)"), min_value=0, max_digits=10, decimal_places=2
    )
    fee_paid_until = _date(_("Fee paid until"), required=False)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        validated = Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
        choices_of(self, "organisation", validated.order_by("name"))
        choices_of(self, "college", network.colleges.all())


class FeePaidForm(forms.Form):
    fee_paid_until = _date(_("Fee paid until"))


class EndForm(forms.Form):
    end = _date(_("Ends on"))


class BodyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class SeatForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    person = PersonField(label=_("Person (optional)"), queryset=User.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=SeatRole.choices)
    start = _date(_("From"))

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = current_members(network).values("organisation_id")
        choices_of(self, "body", network.bodies.all())
        choices_of(
            self, "organisation", Organisation.objects.filter(pk__in=members).order_by("name")
        )
        people = User.objects.filter(
            memberships__organisation__in=members, memberships__state=MembershipState.ACTIVE
        )
        choices_of(self, "person", people.distinct().order_by("last_name", "username"))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = _date(_("Date"))
    body = forms.ModelChoiceField(
        label=_("Body (optional)"), queryset=Body.objects.none(), required=False
    )
    is_public = forms.BooleanField(label=_("Public (on the network page)"), required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, OpenDocument text, PNG or JPEG, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,.odt,image/png,image/jpeg"}
        ),
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "body", network.bodies.all())


class DecisionForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text of the motion"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    meeting_date = _date(_("Date of the meeting"))
    rule = forms.ChoiceField(label=_("Voting rule"), choices=DecisionRule.choices)
    is_public = forms.BooleanField(label=_("Public once closed"), required=False, initial=True)

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "body", network.bodies.all())


class VoteForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    choice = forms.ChoiceField(
        label=_("Vote"), choices=VoteChoice.choices, widget=forms.RadioSelect
    )

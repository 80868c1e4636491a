"""Forms of the funding page: a pledge, a line of the plan, a campaign, a matching rule.

Amounts are typed as text ("1 200,50" or "1200.50"); the actions read them exactly and name the
field when they refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.cooperation.models import CampaignRule, FundingKind, FundingStatus
from maillage.directory.models import Organisation

AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "size": "10"}


def amount_field(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=20, required=required, widget=forms.TextInput(attrs=AMOUNT_ATTRS)
    )


class PledgeForm(forms.Form):
    amount = amount_field(_("Amount (€)"))
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
    display_name = forms.CharField(label=_("Name shown"), max_length=120, required=False)
    anonymous = forms.BooleanField(label=_("Show me as anonymous"), required=False)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        if organisations is not None:
            field.queryset = organisations


class LineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FundingKind.choices)
    funder_name = forms.CharField(label=_("Funder"), max_length=200)
    amount = amount_field(_("Amount (€)"))
    status = forms.ChoiceField(label=_("Status"), choices=FundingStatus.choices)
    disbursed = amount_field(_("Disbursed (€)"), required=False)
    note = forms.CharField(label=pgettext_lazy("funding", "Note"), max_length=300, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    goal = amount_field(_("Goal (€)"))
    opens = forms.DateField(
        label=_("Opens on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=CampaignRule.choices)


class RuleForm(forms.Form):
    funder_name = forms.CharField(label=_("Funder"), max_length=200)
    ratio = forms.CharField(label=_("€ added per € pledged"), max_length=10, initial="1")
    cap = amount_field(_("Cap (€)"))
    per_pledge_cap = amount_field(_("Cap per pledge (€)"), required=False)
    organisations_count = forms.BooleanField(
        label=_("Organisations' pledges are matched too"), required=False
    )

"""Forms of the project pages: the portfolio's filters, a project and its parts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.models import NeedKind, ProjectStage, ProjectTheme
from maillage.directory.models import Department, Organisation, OrganisationStatus
from maillage.equipment.models import Machine, Process

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *ProjectTheme.choices]
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *ProjectStage.choices]
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("code")
        self.fields["department"].choices = [("", _("All departments"))] + [  # type: ignore[attr-defined]
            (d.code, f"{d.code} – {d.name}") for d in departments
        ]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead = forms.ModelChoiceField(label=_("Lead organisation"), queryset=Organisation.objects)
    theme = forms.ChoiceField(label=_("Theme"), choices=ProjectTheme.choices)
    budget = forms.DecimalField(
        label=_("Budget (€)"), min_value=0, max_digits=12, decimal_places=2, localize=True
    )
    commune = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=120,
        help_text=_("Where the project takes place; empty: at the lead organisation."),
    )
    is_public = forms.BooleanField(
        label=_("Public page"),
        required=False,
        initial=True,
        help_text=_("Otherwise only the lead's and partners' members and the coordinators see it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, leads: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if leads is not None:
            self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(status=OrganisationStatus.VALIDATED).order_by("name"),
    )
    role = forms.CharField(label=_("Role in the project"), required=False, max_length=200)


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of need"), choices=NeedKind.choices)
    label = forms.CharField(label=_("What is needed"), required=False, max_length=200)
    process = forms.ModelChoiceField(
        label=_("Process"), required=False, queryset=Process.objects.order_by("code")
    )
    machine = forms.ModelChoiceField(
        label=_("Machine of the lead or a partner"),
        required=False,
        queryset=Machine.objects.none(),
    )
    quantity = forms.DecimalField(
        label=_("Quantity or hours"), required=False, min_value=0, max_digits=10, localize=True
    )

    def __init__(self, *args: Any, machines: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if machines is not None:
            self.fields["machine"].queryset = machines  # type: ignore[attr-defined]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)


class StageForm(forms.Form):
    from_stage = forms.ChoiceField(choices=ProjectStage.choices)
    to_stage = forms.ChoiceField(choices=ProjectStage.choices)


class StartForm(forms.Form):
    process = forms.ModelChoiceField(queryset=Process.objects, to_field_name="code")
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"),
        queryset=Organisation.objects.filter(status=OrganisationStatus.VALIDATED),
    )

"""Forms of the plans pages: own use, an intervention and its parts, a plan and its tasks,
the retrofit-or-replace factors. Values are checked again by the actions and the core."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import add_action_errors
from maillage.directory.models import Organisation, OrganisationStatus, User
from maillage.equipment.models import Machine, Process
from maillage.maintenance.actions.interventions import InterventionInput, PartInput
from maillage.maintenance.actions.plans import PlanInput, TaskInput
from maillage.maintenance.actions.retrofit import RetrofitInput
from maillage.maintenance.models import (
    Enforcement,
    InterventionKind,
    PartMaterial,
    PlanTask,
)
from maillage.sharing.forms import DecimalCommaField, EurosField

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# An action's field name → the form field that shows its error.
ALIASES = {"cost_cents": "cost", "machine": "machine", "process": "process"}


def show_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """An action's errors beside the form's fields (aliases applied), the rest at the top."""
    if hasattr(exc, "error_dict"):
        exc = ValidationError(
            {ALIASES.get(name, name): errors for name, errors in exc.error_dict.items()}
        )
    add_action_errors(form, exc)


class UsageForm(forms.Form):
    hours = DecimalCommaField(label=_("Hours used"))
    when = forms.DateTimeField(label=_("Ended at"), required=False, widget=DATETIME_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TaskChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.plan.name})"


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InterventionKind.choices)
    tasks = TaskChoice(
        label=_("Tasks done"),
        queryset=PlanTask.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    done_at = forms.DateTimeField(label=_("Done on"), widget=DATETIME_WIDGET)
    performed_by = MemberChoice(
        label=_("Done by (own staff)"), queryset=User.objects.none(), required=False
    )
    repairer = forms.ModelChoiceField(
        label=_("Done by (repairer)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("An organisation of the directory, when someone outside did it."),
    )
    hours_spent = DecimalCommaField(label=_("Hours spent"), required=False)
    cost = EurosField(label=_("Cost (€)"), required=False)
    failed_at = forms.DateTimeField(
        label=_("Failed at"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("For a repair: when the machine broke down."),
    )
    restored_at = forms.DateTimeField(
        label=_("Working again at"), required=False, widget=DATETIME_WIDGET
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))
    document = forms.FileField(label=_("Document"), required=False)

    def __init__(self, *args: Any, machine: Machine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["tasks"].queryset = (
            PlanTask.objects.filter(states__machine=machine)
            .select_related("plan")
            .order_by("plan__name", "position")
        )
        fields["performed_by"].queryset = User.objects.filter(
            memberships__organisation=machine.organisation_id, memberships__state="active"
        ).order_by("username")
        fields["repairer"].queryset = Organisation.objects.filter(
            status=OrganisationStatus.VALIDATED
        ).order_by("name")

    def to_input(self, parts: list[PartInput]) -> InterventionInput:
        data = self.cleaned_data
        return InterventionInput(
            kind=data["kind"],
            done_at=data["done_at"],
            task_ids=[task.pk for task in data["tasks"]],
            performed_by_id=data["performed_by"].pk if data["performed_by"] else None,
            repairer_id=data["repairer"].pk if data["repairer"] else None,
            hours_spent=data["hours_spent"] or 0,
            cost_cents=data["cost"] or 0,
            notes=data["notes"],
            failed_at=data["failed_at"],
            restored_at=data["restored_at"],
            parts=parts,
            document=data["document"],
        )


class PartForm(forms.Form):
    name = forms.CharField(label=_("Part replaced"), max_length=200, required=False)
    mass_kg = DecimalCommaField(label=_("Mass (kg)"), required=False)
    material = forms.ChoiceField(
        label=_("Material"), choices=[("", "—"), *PartMaterial.choices], required=False
    )

    def to_input(self) -> PartInput | None:
        data = self.cleaned_data
        if not data.get("name") and data.get("mass_kg") is None and not data.get("material"):
            return None
        return PartInput(
            name=data.get("name") or "",
            mass_kg=data.get("mass_kg") if data.get("mass_kg") is not None else "",
            material=data.get("material") or "",
        )


PartFormSet = forms.formset_factory(PartForm, extra=3, max_num=20)


class RetrofitProjectForm(forms.Form):
    """For a retrofit: the project it carries out, recorded with the intervention."""

    title = forms.CharField(label=_("Retrofit project"), max_length=200, required=False)
    before_state = forms.CharField(
        label=_("The machine before"), required=False, widget=forms.Textarea({"rows": 2})
    )
    after_state = forms.CharField(
        label=_("The machine after"), required=False, widget=forms.Textarea({"rows": 2})
    )
    added_life_years = forms.IntegerField(
        label=_("Years of life added"),
        required=False,
        min_value=0,
        max_value=50,
        help_text=_("How many years the retrofit adds to the machine's expected life."),
    )

    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(value not in (None, "") for value in data.values())

    def to_input(self) -> RetrofitInput:
        data = self.cleaned_data
        return RetrofitInput(
            title=data["title"],
            before_state=data["before_state"],
            after_state=data["after_state"],
            added_life_years=data["added_life_years"],
        )


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    machine = forms.ModelChoiceField(
        label=_("Machine"), queryset=Machine.objects.none(), required=False
    )
    process = forms.ModelChoiceField(
        label=_("or every machine doing the process"),
        queryset=Process.objects.none(),
        required=False,
        to_field_name="code",
    )
    enforcement = forms.ChoiceField(label=_("When a task is overdue"), choices=Enforcement.choices)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        machines = Machine.objects.filter(organisation=organisation).exclude(status="retired")
        fields["machine"].queryset = machines.order_by("name")
        fields["process"].queryset = (
            Process.objects.filter(machines__in=machines).distinct().order_by("code")
        )

    def to_input(self) -> PlanInput:
        data = self.cleaned_data
        return PlanInput(
            name=data["name"],
            machine_id=data["machine"].pk if data["machine"] else None,
            process_code=data["process"].code if data["process"] else "",
            enforcement=data["enforcement"],
        )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    checklist = forms.CharField(
        label=_("Checklist"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("One step per line."),
    )
    every_hours = DecimalCommaField(label=_("Every (hours of use)"), required=False)
    every_days = forms.IntegerField(label=_("Every (days)"), required=False)
    lead_hours = DecimalCommaField(label=_("Plan ahead (hours of use)"), required=False)
    lead_days = forms.IntegerField(label=_("Plan ahead (days)"), required=False)

    def to_input(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            title=data["title"],
            checklist=data["checklist"],
            every_hours=data["every_hours"],
            every_days=data["every_days"],
            lead_hours=data["lead_hours"] or 0,
            lead_days=data["lead_days"] or 0,
        )

    @staticmethod
    def initial_for(task: PlanTask) -> dict[str, Any]:
        return {
            "title": task.title,
            "checklist": task.checklist,
            "every_hours": task.every_hours,
            "every_days": task.every_days,
            "lead_hours": task.lead_hours,
            "lead_days": task.lead_days,
        }


class RetrofitForm(forms.Form):
    """Every factor of `retrofit.compare_retrofit_replace`, the rate in percent."""

    new_price = EurosField(label=_("Price of a new machine (€)"))
    new_life_years = DecimalCommaField(label=_("Life of a new machine (years)"))
    retrofit_price = EurosField(label=_("Price of the retrofit (€)"))
    retrofit_life_years = DecimalCommaField(label=_("Life after the retrofit (years)"))
    discount_rate = DecimalCommaField(label=_("Discount rate (%)"))
    new_embodied_kgco2e = DecimalCommaField(label=_("Embodied carbon of a new machine (kgCO2e)"))
    retrofit_embodied_kgco2e = DecimalCommaField(
        label=_("Embodied carbon of the retrofit's parts (kgCO2e)")
    )
    new_kwh_per_year = DecimalCommaField(label=_("Electricity of a new machine (kWh/year)"))
    retrofit_kwh_per_year = DecimalCommaField(label=_("Electricity after the retrofit (kWh/year)"))
    grid_kgco2e_per_kwh = DecimalCommaField(label=_("Grid factor (kgCO2e/kWh)"))
    horizon_years = DecimalCommaField(label=_("Horizon (years)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True

    def factors(self) -> dict[str, float]:
        """The cleaned values as the core takes them (euros, a fraction for the rate)."""
        data = {name: float(value) for name, value in self.cleaned_data.items()}
        data["new_price"] /= 100
        data["retrofit_price"] /= 100
        data["discount_rate"] /= 100
        return data

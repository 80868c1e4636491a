"""Machine forms: they shape the input; the actions validate and save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import input_from, set_choices
from maillage.directory.forms import department_choices
from maillage.directory.models import Organisation, OrganisationKind
from maillage.equipment.actions import CAPACITY_FIELDS, MachineInput
from maillage.equipment.models import (
    Condition,
    DocumentKind,
    Machine,
    MachineStatus,
    Material,
    Process,
    ToleranceClass,
)


def process_choices() -> list[tuple[str, str]]:
    """The taxonomy as select options, indented by depth, in the current language."""
    return [
        (p.code, "\u00a0\u00a0" * p.depth + p.label)
        for p in Process.objects.only("code", "depth", "label_fr", "label_en")
    ]


class MachineFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    process = forms.ChoiceField(label=_("Process"), required=False)
    material = forms.ChoiceField(label=_("Material worked"), required=False)
    min_x = forms.CharField(label=_("Envelope at least X (mm)"), required=False, max_length=12)
    min_y = forms.CharField(label=_("Y (mm)"), required=False, max_length=12)
    min_z = forms.CharField(label=_("Z (mm)"), required=False, max_length=12)
    dept = forms.ChoiceField(label=_("Department"), required=False)
    kind = forms.ChoiceField(label=_("Kind of organisation"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            {
                "process": [("", _("Any process")), *process_choices()],
                "material": [("", _("Any material")), *Material.choices],
                "dept": [("", _("All departments")), *department_choices()],
                "kind": [("", _("All kinds")), *OrganisationKind.choices],
                "status": [("", _("In service (not retired)")), *MachineStatus.choices],
            },
        )
        for name in ("min_x", "min_y", "min_z"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "size": 6})


class MachineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    site = forms.ChoiceField(label=_("Site"))
    processes = forms.MultipleChoiceField(
        label=_("Processes"),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    materials = forms.MultipleChoiceField(
        label=_("Materials worked"),
        choices=Material.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    make = forms.CharField(label=_("Make"), required=False, max_length=100)
    model = forms.CharField(label=_("Model"), required=False, max_length=100)
    serial_number = forms.CharField(
        label=_("Serial number"),
        required=False,
        max_length=100,
        help_text=_("Only your organisation's members see it."),
    )
    year = forms.IntegerField(label=_("Year"), required=False)
    envelope_x_mm = forms.FloatField(label=_("Work envelope X (mm)"), required=False)
    envelope_y_mm = forms.FloatField(label=_("Work envelope Y (mm)"), required=False)
    envelope_z_mm = forms.FloatField(label=_("Work envelope Z (mm)"), required=False)
    max_part_mass_kg = forms.FloatField(label=_("Maximum part mass (kg)"), required=False)
    power_kw = forms.FloatField(label=_("Power rating (kW)"), required=False)
    computer_controlled = forms.BooleanField(label=_("Computer-controlled"), required=False)
    tolerance_class = forms.ChoiceField(
        label=_("Tolerance class (ISO 2768)"),
        choices=[("", "—"), *ToleranceClass.choices],
        required=False,
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    status = forms.ChoiceField(label=_("Status"), choices=MachineStatus.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            {
                "site": [(str(s.pk), str(s)) for s in organisation.sites.all()],
                "processes": process_choices(),
            },
        )

    def to_input(self) -> MachineInput:
        d = self.cleaned_data
        return input_from(
            self,
            MachineInput,
            site_id=int(d["site"]),
            process_codes=list(d["processes"]),
            materials=list(d["materials"]),
        )

    @staticmethod
    def initial_for(machine: Machine) -> dict[str, Any]:
        return {
            "name": machine.name,
            "site": str(machine.site_id),
            "processes": [p.code for p in machine.processes.all()],
            "materials": machine.material_codes(),
            "make": machine.make,
            "model": machine.model,
            "serial_number": machine.serial_number,
            "year": machine.year,
            **{name: getattr(machine, name) for name in CAPACITY_FIELDS},
            "computer_controlled": machine.computer_controlled,
            "tolerance_class": machine.tolerance_class,
            "condition": machine.condition,
            "status": machine.status,
            "notes": machine.notes,
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("or a link"), required=False, assume_scheme="https")

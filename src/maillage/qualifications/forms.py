"""Forms of the training pages; they only shape input, the actions validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.dates import validate_in_window
from maillage.directory.models import Organisation
from maillage.equipment.forms import process_choices
from maillage.equipment.models import Machine, MachineStatus

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class TrainingFilterForm(forms.Form):
    process = forms.ChoiceField(label=gettext_lazy("Process"), required=False)
    machine = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["process"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any process")), *process_choices()]


class TrainingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    machine = forms.ChoiceField(
        label=gettext_lazy("Machine"),
        required=False,
        help_text=gettext_lazy("A training for one of your machines…"),
    )
    process = forms.ChoiceField(
        label=gettext_lazy("Process"),
        required=False,
        help_text=gettext_lazy(
            "…or for a process: it then qualifies for every machine of that process "
            "and of its sub-processes."
        ),
    )
    validity_months = forms.IntegerField(
        label=gettext_lazy("Valid for (months)"), min_value=1, max_value=240, initial=24
    )
    idle_lapse_months = forms.IntegerField(
        label=gettext_lazy("Lapses after (months without use)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=gettext_lazy("Empty: use does not matter."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.machines = {
            str(m.pk): m
            for m in organisation.machines.exclude(status=MachineStatus.RETIRED).order_by("name")
        }
        machine_field = self.fields["machine"]
        assert isinstance(machine_field, forms.ChoiceField)
        machine_field.choices = [("", "—")] + [(k, m.name) for k, m in self.machines.items()]
        process_field = self.fields["process"]
        assert isinstance(process_field, forms.ChoiceField)
        process_field.choices = [("", "—"), *process_choices()]

    def chosen_machine(self) -> Machine | None:
        return self.machines.get(self.cleaned_data["machine"] or "")


class SessionForm(forms.Form):
    start = forms.DateTimeField(
        label=gettext_lazy("Start"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        validators=[validate_in_window],
    )
    end = forms.DateTimeField(
        label=gettext_lazy("End"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        validators=[validate_in_window],
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"), min_value=1, max_value=1000, initial=6
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)


class GrantForm(forms.Form):
    who = forms.CharField(
        label=gettext_lazy("Username or e-mail"),
        max_length=254,
        help_text=gettext_lazy("Qualifies this person now, without a session."),
    )

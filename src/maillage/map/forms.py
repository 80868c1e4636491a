"""The map's filter form: the directory's filters and the machine ones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import set_choices
from maillage.directory.forms import department_choices
from maillage.directory.models import FieldOfAction, OrganisationKind
from maillage.equipment.forms import process_choices
from maillage.equipment.models import Material


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    field = forms.ChoiceField(label=_("Field of action"), required=False)
    dept = forms.ChoiceField(label=_("Department"), required=False)
    process = forms.ChoiceField(label=_("Machine for"), required=False)
    material = forms.ChoiceField(label=_("Material worked"), required=False)
    machines = forms.BooleanField(label=_("Only places with machines"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            {
                "kind": [("", _("All kinds")), *OrganisationKind.choices],
                "field": [("", _("All fields")), *FieldOfAction.choices],
                "dept": [("", _("All departments")), *department_choices()],
                "process": [("", _("Any process")), *process_choices()],
                "material": [("", _("Any material")), *Material.choices],
            },
        )
        self.fields["q"].widget.attrs["placeholder"] = _("name, activity, commune…")

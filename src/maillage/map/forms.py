"""The map's filter form: the directory's filters and the machine ones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Department, FieldOfAction, OrganisationKind
from maillage.equipment.forms import process_choices
from maillage.equipment.models import Material


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


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
        choices = {
            "kind": _blank(_("All kinds")) + list(OrganisationKind.choices),
            "field": _blank(_("All fields")) + list(FieldOfAction.choices),
            "dept": _blank(_("All departments"))
            + [(d.code, f"{d.code} {d.name}") for d in Department.objects.all()],
            "process": _blank(_("Any process")) + process_choices(),
            "material": _blank(_("Any material")) + list(Material.choices),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        self.fields["q"].widget.attrs["placeholder"] = _("name, activity, commune…")

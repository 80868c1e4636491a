"""The network dashboard's filters: a period, a department, a process (GET, never saved)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import add_action_errors, set_choices
from maillage.directory.forms import department_choices
from maillage.equipment.forms import process_choices
from maillage.impact.queries.network_scope import NetworkFilters, default_period, network_filters


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


class NetworkFilterForm(forms.Form):
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        error_messages={"invalid_choice": _("Unknown department: %(value)s.")},
    )
    process = forms.ChoiceField(
        label=_("Process"),
        required=False,
        help_text=_("Its sub-processes count too."),
        error_messages={"invalid_choice": _("Unknown process: %(value)s.")},
    )

    def __init__(self, data: QueryDict, *, period: tuple[dt.date, dt.date] | None = None) -> None:
        """Bound to the GET parameters; a fixed `period` (the report's year) has no fields."""
        values = data.copy()
        if period is None and not (values.get("from") or values.get("to")):
            start, end = default_period()
            values["from"], values["to"] = start.isoformat(), end.isoformat()
        super().__init__(values)
        self.period = period
        if period is None:
            self.fields = {"from": _date(_("From")), "to": _date(_("To")), **self.fields}
        set_choices(
            self,
            {
                "department": [("", _("All departments")), *department_choices()],
                "process": [("", _("Any process")), *process_choices()],
            },
        )
        self.filters: NetworkFilters | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            start, end = self.period or (data.get("from"), data.get("to"))
            self.filters = network_filters(
                start=start,
                end=end,
                department=data.get("department") or "",
                process=data.get("process") or "",
            )
        except ValidationError as exc:
            add_action_errors(self, exc)
        return data

    def error_text(self) -> str:
        """Every error on one line per field, naming it (for the CSV's plain-text answer)."""
        return "\n".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in self.errors.items()
        )

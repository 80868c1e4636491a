"""Maintenance forms: passport (the decommissioning form and its rows of recycled materials)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from maillage.maintenance.actions.decommissioning import DecommissionInput, MaterialInput

ROWS = 6  # material rows the page offers; more than a machine usually splits into
ROW_FIELDS = ("material", "mass_kg", "waste_code")


@dataclass
class DecommissionForm:
    """The posted form as typed, its input for the action, and the errors to show by place.

    Row errors come back from the action as `materials.<index>.<field>` where index counts
    the filled rows; `row_errors` puts them back on the row the person typed them in.
    """

    values: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    filled: list[int] = field(default_factory=list)  # displayed row index of each filled row
    errors: dict[str, list[str]] = field(default_factory=dict)
    row_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> DecommissionForm:
        return cls(values={}, rows=[dict.fromkeys(ROW_FIELDS, "") for _ in range(ROWS)])

    @classmethod
    def posted(cls, data: Mapping[str, Any]) -> DecommissionForm:
        form = cls(
            values={
                name: str(data.get(name, "")).strip()
                for name in ("destination", "decommissioned_on", "recipient", "notes")
            }
        )
        for index in range(ROWS):
            row = {name: str(data.get(f"{name}-{index}", "")).strip() for name in ROW_FIELDS}
            form.rows.append(row)
            if any(row.values()):
                form.filled.append(index)
        return form

    def to_input(self) -> DecommissionInput | None:
        """The action's input, or None with `errors` set when the date cannot be read."""
        on: dt.date | None = None
        if self.values.get("decommissioned_on"):
            try:
                on = dt.date.fromisoformat(self.values["decommissioned_on"])
            except ValueError:
                self.errors["decommissioned_on"] = [_("Give a date.")]
                return None
        return DecommissionInput(
            destination=self.values.get("destination", ""),
            decommissioned_on=on,
            recipient=self.values.get("recipient", ""),
            notes=self.values.get("notes", ""),
            materials=[
                MaterialInput(
                    self.rows[i]["material"], self.rows[i]["mass_kg"], self.rows[i]["waste_code"]
                )
                for i in self.filled
            ],
        )

    def add_errors(self, errors: Mapping[str, list[str]]) -> None:
        """The action's errors, the row ones put back on their row with a sentence naming it."""
        labels = {
            "material": _("material"),
            "mass_kg": _("mass (kg)"),
            "waste_code": _("List of Waste code"),
        }
        for key, messages in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "materials" and parts[1].isdigit():
                row = self.filled[int(parts[1])]
                self.row_errors.setdefault(row, {})[parts[2]] = list(messages)
                self.errors.setdefault("rows", []).extend(
                    _("Row %(row)d, %(field)s: %(message)s")
                    % {"row": row + 1, "field": labels.get(parts[2], parts[2]), "message": m}
                    for m in messages
                )
            else:
                self.errors.setdefault(key, []).extend(messages)

    def rows_for_display(self) -> list[dict[str, Any]]:
        return [
            {"index": i, "number": i + 1, **row, "errors": self.row_errors.get(i, {})}
            for i, row in enumerate(self.rows)
        ]

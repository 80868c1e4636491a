"""Matching forms: they shape the input; `find_machines` and `submit_batch` validate it.

Choice fields here accept any value, so that an unknown process or material reaches the
action and comes back with the action's own message, beside the field it names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.core.dates import (
    day_end,
    day_start,
    in_window,
    local_today,
    validate_in_window,
    window_message,
)
from maillage.equipment.forms import process_choices
from maillage.equipment.models import Material, ToleranceClass
from maillage.matching.convert import NeedInput
from maillage.matching.models import OperatorChoice
from maillage.sharing.forms import parse_decimal

DEFAULT_WINDOW_DAYS = 14
DEFAULT_MAX_KM = 50
MAX_CSV_BYTES = 2_000_000


class NumberField(forms.CharField):
    """A decimal number with a comma or a point (the actions check its range)."""

    default_error_messages = {"invalid": _("Give a number, such as 2,5.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "size": 8, "maxlength": 20})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        try:
            return parse_decimal(super().to_python(value) or "")
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class OpenChoiceField(forms.ChoiceField):
    """A select whose value is checked by the action, not by the form."""

    def valid_value(self, value: Any) -> bool:
        return True


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class NeedForm(forms.Form):
    """The "J'ai besoin de…" form, sent by GET so that a search can be shared and reloaded."""

    process = OpenChoiceField(label=_("Process"))
    label = forms.CharField(
        label=_("What for"),
        required=False,
        max_length=200,
        help_text=_("A few words for you and the host, e.g. “brackets for a bike trailer”."),
    )
    material = OpenChoiceField(label=_("Material"), required=False)
    part_x_mm = NumberField(label=_("Part X (mm)"))
    part_y_mm = NumberField(label=_("Part Y (mm)"))
    part_z_mm = NumberField(label=_("Part Z (mm)"))
    allow_rotation = forms.BooleanField(
        label=_("The part may be turned to fit"), required=False, initial=True
    )
    tolerance_class = OpenChoiceField(label=_("Tolerance class (ISO 2768)"), required=False)
    hours = forms.CharField(
        label=_("Machine hours"),
        max_length=20,
        help_text=_("For example 1,5 for an hour and a half."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )
    operator = OpenChoiceField(label=_("Operator"), required=False)
    earliest = forms.DateField(label=_("From"), widget=DateInput(), validators=[validate_in_window])
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DateInput(),
        help_text=_("The work is done by that evening."),
        validators=[validate_in_window],
    )
    commune = forms.CharField(
        label=_("Where"),
        max_length=120,
        required=False,
        help_text=_("A commune or a postal code."),
    )
    max_km = NumberField(label=_("Up to (km)"))
    budget = NumberField(label=_("Budget (€ per hour)"), help_text=_("Optional."))
    weight_distance = forms.IntegerField(label=_("Weight of distance"), required=False)
    weight_price = forms.IntegerField(label=_("Weight of price"), required=False)
    weight_impact = forms.IntegerField(label=_("Weight of transport CO₂"), required=False)

    FIELDSETS = (
        (_("What"), ("process", "label", "material", "tolerance_class", "hours", "operator")),
        (_("The part"), ("part_x_mm", "part_y_mm", "part_z_mm", "allow_rotation")),
        (_("When and where"), ("earliest", "deadline", "commune", "max_km", "budget")),
        (
            _("What matters most (0 to 10)"),
            ("weight_distance", "weight_price", "weight_impact"),
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.default_initial())
        super().__init__(*args, **kwargs)
        options: dict[str, list[tuple[str, Any]]] = {
            "process": [("", _("Choose a process")), *process_choices()],
            "material": [("", _("Any material")), *Material.choices],
            "tolerance_class": [("", _("No requirement")), *ToleranceClass.choices],
            "operator": list(OperatorChoice.choices),
        }
        for name, choices in options.items():
            choice_field = self.fields[name]
            assert isinstance(choice_field, forms.ChoiceField)
            choice_field.choices = choices
        for name in ("weight_distance", "weight_price", "weight_impact"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 10, "step": 1, "size": 3})
        self.fields["max_km"].widget.attrs.update({"size": 5})

    @staticmethod
    def default_initial() -> dict[str, Any]:
        today = local_today()
        return {
            "earliest": today,
            "deadline": today + dt.timedelta(days=DEFAULT_WINDOW_DAYS),
            "max_km": DEFAULT_MAX_KM,
            "allow_rotation": True,
            "operator": OperatorChoice.ANY,
            "weight_distance": 1,
            "weight_price": 1,
            "weight_impact": 1,
        }

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def to_input(self) -> NeedInput:
        d = self.cleaned_data
        budget = d["budget"]
        return NeedInput(
            process_code=d["process"] or "",
            hours=d["hours"],
            earliest=day_start(d["earliest"]),
            deadline=day_end(d["deadline"]),
            max_km=float(d["max_km"]) if d["max_km"] is not None else float(DEFAULT_MAX_KM),
            commune=d["commune"] or "",
            label=d["label"] or "",
            material=d["material"] or "",
            part_x_mm=_float(d["part_x_mm"]),
            part_y_mm=_float(d["part_y_mm"]),
            part_z_mm=_float(d["part_z_mm"]),
            allow_rotation=bool(d["allow_rotation"]),
            tolerance_class=d["tolerance_class"] or "",
            operator=d["operator"] or OperatorChoice.ANY,
            budget_cents_per_hour=euros_to_cents(budget) if budget is not None else None,
            weight_distance=_weight(d["weight_distance"]),
            weight_price=_weight(d["weight_price"]),
            weight_impact=_weight(d["weight_impact"]),
        )


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _weight(value: int | None) -> float:
    return 1.0 if value is None else float(value)


def euros_to_cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class UnmetFilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[validate_in_window]
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=[validate_in_window]
    )

    DEFAULT_DAYS = 90

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The days asked for (both included); by default the last 90 days."""
        if not self.is_bound:
            return local_today() - dt.timedelta(days=self.DEFAULT_DAYS), None
        if not self.is_valid():
            return None, None
        return self.cleaned_data["since"], self.cleaned_data["until"]


# --- batches -------------------------------------------------------------------------

CSV_COLUMNS = (
    "label",
    "process_code",
    "hours",
    "earliest",
    "deadline",
    "commune",
    "max_km",
    "material",
    "part_x_mm",
    "part_y_mm",
    "part_z_mm",
    "operator",
)
REQUIRED_COLUMNS = ("process_code", "hours", "earliest", "deadline", "commune")
# The action's error keys, named as the CSV columns.
COLUMN_OF_ERROR = {"process": "process_code", "latitude": "commune"}


@dataclass
class ParsedBatch:
    needs: list[NeedInput] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the CSV line of each need
    errors: list[str] = field(default_factory=list)


def line_error(line: int, column: str, message: str) -> str:
    return gettext("Line %(line)s, %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def parse_batch_csv(raw: bytes) -> ParsedBatch:
    """Needs from a CSV (comma or semicolon, UTF-8); every bad line is reported by number."""
    parsed = ParsedBatch()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.errors.append(gettext("Save the file as UTF-8 CSV."))
        return parsed
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        parsed.errors.append(
            gettext("Line 1: missing column(s) %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(CSV_COLUMNS)}
        )
        return parsed
    unknown = [c for c in header if c and c not in CSV_COLUMNS]
    if unknown:
        parsed.errors.append(
            gettext("Line 1: unknown column(s) %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": ", ".join(CSV_COLUMNS)}
        )
        return parsed
    reader.fieldnames = header
    line = 1
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        need = _need_from_row(values, line, parsed.errors)
        if need is not None:
            parsed.needs.append(need)
            parsed.lines.append(line)
    if not parsed.needs and not parsed.errors:
        parsed.errors.append(gettext("The file holds no need."))
    return parsed


def _need_from_row(values: dict[str, str], line: int, errors: list[str]) -> NeedInput | None:
    before = len(errors)

    def date(column: str) -> dt.date | None:
        text = values.get(column, "")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            errors.append(line_error(line, column, gettext("give a date as YYYY-MM-DD.")))
            return None
        if not in_window(day):
            errors.append(line_error(line, column, window_message()))
            return None
        return day

    def number(column: str) -> Decimal | None:
        try:
            return parse_decimal(values.get(column, ""))
        except ValueError:
            errors.append(line_error(line, column, gettext("give a number, such as 2,5.")))
            return None

    earliest, deadline = date("earliest"), date("deadline")
    hours_text = values.get("hours", "")
    max_km = number("max_km")
    dims = [number(c) for c in ("part_x_mm", "part_y_mm", "part_z_mm")]
    if len(errors) > before:
        return None
    assert earliest is not None and deadline is not None
    return NeedInput(
        process_code=values.get("process_code", ""),
        hours=hours_text.replace(",", ".") or "0",
        earliest=day_start(earliest),
        deadline=day_end(deadline),
        max_km=float(max_km) if max_km is not None else float(DEFAULT_MAX_KM),
        commune=values.get("commune", ""),
        label=values.get("label", ""),
        material=values.get("material", ""),
        part_x_mm=_float(dims[0]),
        part_y_mm=_float(dims[1]),
        part_z_mm=_float(dims[2]),
        operator=values.get("operator", "") or OperatorChoice.ANY,
    )


class BatchForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("Needs (CSV file)"),
        help_text=_(
            "One need per line, UTF-8, comma or semicolon separated, with this header: "
            "label, process_code, hours, earliest, deadline, commune, max_km, material, "
            "part_x_mm, part_y_mm, part_z_mm, operator. Dates as YYYY-MM-DD; operator: "
            "any, with or without."
        ),
    )
    time_limit_s = forms.IntegerField(
        label=_("Time limit (seconds)"),
        initial=30,
        help_text=_("The solver stops there with the best allocation found, 1 to 600."),
    )
    co2_price_cents_per_kg = forms.IntegerField(
        label=_("CO₂ price (cents per kg)"),
        initial=10,
        min_value=0,
        help_text=_("Added to the cost of transport: 10 cents per kg is 100 € per tonne."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed = ParsedBatch()
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is too large (2 MB at most)."))
        self.parsed = parse_batch_csv(upload.read())
        if self.parsed.errors:
            raise ValidationError(self.parsed.errors)
        return upload

    def add_batch_errors(self, exc: ValidationError) -> None:
        """The action's errors: `needs[i].field` becomes the CSV line and column."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for key, messages in exc.message_dict.items():
            if key.startswith("needs[") and "]." in key:
                index = int(key[len("needs[") : key.index("]")])
                column = key.split("].", 1)[1]
                line = self.parsed.lines[index] if index < len(self.parsed.lines) else index + 2
                for message in messages:
                    self.add_error(
                        "file", line_error(line, COLUMN_OF_ERROR.get(column, column), message)
                    )
            else:
                target = {"needs": "file"}.get(key, key)
                for message in messages:
                    self.add_error(target if target in self.fields else None, message)

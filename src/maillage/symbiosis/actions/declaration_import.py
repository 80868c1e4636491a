"""Import many declarations of one organisation from a CSV file, all or nothing.

Every line is checked with the same rules as the form; any error and nothing is saved, and
every error is listed with its line number and column. Comma or semicolon separated, UTF-8
(with or without BOM), decimals with a comma or a point.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.directory.models import Organisation
from maillage.symbiosis.actions.declarations import (
    DeclarationInput,
    check_can_declare,
    clean_declaration,
)
from maillage.symbiosis.models import ALL_MONTHS, ResourceDeclaration, Visibility

MAX_LINES = 1000
COLUMNS = (
    "site",
    "direction",
    "code",
    "category",
    "title",
    "quantity_min",
    "quantity_max",
    "unit",
    "period",
    "months",
    "minimum_lot",
    "regulatory_status",
    "packaging",
    "composition",
    "price",
    "current_cost",
    "quantity_visibility",
    "price_visibility",
    "composition_visibility",
    "site_visibility",
)
REQUIRED = ("direction", "title", "quantity_min", "quantity_max", "unit", "period")
# The input's field names that are not the column's.
FIELD_COLUMN = {"waste_code": "code", "site": "site"}
# French words a spreadsheet may hold in place of the stored values.
ALIASES = {
    "offre": "offer",
    "demande": "demand",
    "an": "year",
    "annee": "year",
    "mois": "month",
    "semaine": "week",
    "dechet": "waste",
    "sous produit": "by_product",
    "sortie de statut de dechet": "end_of_waste",
    "produit": "product",
    "tout le monde": "public",
    "coordinateurs": "coordinators",
    "contrepartie": "counterpart",
}

TEMPLATE_ROWS = (
    COLUMNS,
    (
        "",
        "offer",
        "03 01 05",
        "",
        "Sciure et copeaux de hêtre",
        "2",
        "4",
        "t",
        "month",
        "1-12",
        "0,5",
        "by_product",
        "big_bag",
        "Hêtre non traité, sec",
        "15",
        "40",
        "counterpart",
        "counterpart",
        "counterpart",
        "counterpart",
    ),
    (
        "",
        "demand",
        "",
        "container",
        "Palettes Europe",
        "50",
        "120",
        "unit",
        "month",
        "3-10",
        "",
        "product",
        "pallet",
        "",
        "",
        "",
        "coordinators",
        "counterpart",
        "public",
        "public",
    ),
)


def template_csv() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _value(cell: str | None) -> str:
    text = (cell or "").strip()
    return ALIASES.get(fold(text), text)


def _months(cell: str) -> object:
    """ "" → every month; "3-10" → March to October; "1,2,12" → those months."""
    text = cell.replace(" ", "")
    if not text:
        return ALL_MONTHS
    months: list[int] = []
    for part in text.replace(";", ",").split(","):
        if "-" in part:
            start, end = (int(x) for x in part.split("-", 1))
            if not (1 <= start <= 12 and 1 <= end <= 12):
                raise ValueError(part)
            months += (
                list(range(start, end + 1))
                if start <= end
                else [*range(start, 13), *range(1, end + 1)]
            )
        elif part:
            months.append(int(part))
            if not 1 <= months[-1] <= 12:
                raise ValueError(part)
    return months


def _site_id(organisation: Organisation, cell: str) -> int | None:
    sites = list(organisation.sites.all())
    if not cell:
        main = next((s for s in sites if s.is_main), sites[0] if sites else None)
        return main.pk if main else None
    if cell.isdigit():
        return int(cell)
    wanted = fold(cell)
    found = [s for s in sites if fold(s.name) == wanted]
    return found[0].pk if len(found) == 1 else None


def _reader(text: str) -> csv.DictReader[str]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _line_input(organisation: Organisation, row: dict[str, Any]) -> DeclarationInput:
    """The action's input from a line; ValueError(column) for a months cell it cannot read."""
    try:
        months = _months(row.get("months") or "")
    except ValueError:
        raise ValueError("months") from None
    return DeclarationInput(
        site_id=_site_id(organisation, (row.get("site") or "").strip()),
        direction=_value(row.get("direction")),
        waste_code=(row.get("code") or "").strip(),
        category=_value(row.get("category")),
        title=(row.get("title") or "").strip(),
        quantity_min=(row.get("quantity_min") or "").strip(),
        quantity_max=(row.get("quantity_max") or "").strip(),
        unit=_value(row.get("unit")),
        period=_value(row.get("period")),
        months=months,
        minimum_lot=(row.get("minimum_lot") or "").strip(),
        regulatory_status=_value(row.get("regulatory_status")) or "waste",
        packaging=_value(row.get("packaging")),
        composition=(row.get("composition") or "").strip(),
        price=(row.get("price") or "").strip(),
        current_cost=(row.get("current_cost") or "").strip(),
        quantity_visibility=_value(row.get("quantity_visibility")) or Visibility.COUNTERPART,
        price_visibility=_value(row.get("price_visibility")) or Visibility.COUNTERPART,
        composition_visibility=_value(row.get("composition_visibility")) or Visibility.COUNTERPART,
        site_visibility=_value(row.get("site_visibility")) or Visibility.COUNTERPART,
    )


def _line_error(line: int, column: str, message: str) -> str:
    return _("Line %(line)d, column %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def import_declarations(
    user: Any, organisation: Organisation, text: str
) -> list[ResourceDeclaration]:
    """Every line saved, or none: a ValidationError listing each error with its line."""
    check_can_declare(user, organisation)
    text = text.lstrip("\ufeff")
    reader = _reader(text)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            _("Line 1: missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    errors: list[str] = []
    cleaned: list[dict[str, Any]] = []
    for row in reader:
        line = reader.line_num
        if len(cleaned) + len(errors) >= MAX_LINES:
            errors.append(_("The file holds more than %(n)d lines.") % {"n": MAX_LINES})
            break
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            data = _line_input(organisation, row)
        except ValueError:
            errors.append(_line_error(line, "months", _("Give months like 3-10 or 1,2,12.")))
            continue
        try:
            cleaned.append(clean_declaration(organisation, data))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    errors.append(_line_error(line, FIELD_COLUMN.get(field, field), message))
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("The file holds no declaration."))
    creator = user if user.is_authenticated else None
    with transaction.atomic():
        return [
            ResourceDeclaration.objects.create(
                organisation=organisation, created_by=creator, **fields
            )
            for fields in cleaned
        ]

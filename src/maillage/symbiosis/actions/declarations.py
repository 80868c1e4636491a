"""Declare what a site gives out or takes in, edit it, pause, close or reopen it.

Every input is checked field by field before anything is written (a `ValidationError` naming
each field); edits and state changes lock the row and re-check the state they start from.
Members of the organisation (`can_edit_sites`) and coordinators may write.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.locks import lock
from maillage.core.text import one_line
from maillage.directory import permissions
from maillage.directory.models import Organisation, Site
from maillage.symbiosis.models import (
    ALL_MONTHS,
    DeclarationState,
    Direction,
    HeatDeclaration,
    MaterialCategory,
    Packaging,
    Period,
    QuantityUnit,
    RegulatoryStatus,
    ResourceDeclaration,
    Visibility,
    WasteCode,
)

CODE_CATEGORIES = Path(__file__).resolve().parent.parent / "data" / "code_categories.csv"
MAX_QUANTITY = Decimal("99999999999")  # 14 digits, 3 decimals
MAX_PRICE = Decimal("9999999999")  # 12 digits, 2 decimals
VISIBILITY_FIELDS = (
    "quantity_visibility",
    "price_visibility",
    "composition_visibility",
    "site_visibility",
)
_CODE = re.compile(r"^(\d{2})\s*(\d{2})?\s*(\d{2})?\s*\*?$")


@dataclass(frozen=True)
class DeclarationInput:
    """What a form, the API or a CSV line gives; numbers may be text in French format."""

    site_id: int | None
    direction: str
    title: str
    quantity_min: object
    quantity_max: object
    unit: str
    period: str
    regulatory_status: str
    waste_code: str = ""
    category: str = ""
    months: object = ALL_MONTHS  # a mask, or a list of month numbers 1..12
    minimum_lot: object = None
    composition: str = ""
    packaging: str = ""
    price: object = None
    current_cost: object = None
    quantity_visibility: str = Visibility.COUNTERPART
    price_visibility: str = Visibility.COUNTERPART
    composition_visibility: str = Visibility.COUNTERPART
    site_visibility: str = Visibility.COUNTERPART


def check_can_declare(user: Any, organisation: Organisation) -> None:
    if not permissions.can_edit_sites(user, organisation):
        raise PermissionDenied(
            _("Only the organisation's members and the coordinators can declare its resources.")
        )


# --- small parsers, shared with the CSV import -------------------------------------------------


def normalise_code(text: str) -> str:
    """ "020104", "02 01 04" or "02 01 04*" → "02 01 04"; "0201" → "02 01"; else ""."""
    match = _CODE.match(text.strip())
    if not match:
        return ""
    return " ".join(part for part in match.groups() if part)


def parse_decimal(value: object) -> Decimal | None:
    """A number from a form, JSON or a CSV cell: "1 234,5", "1234.5", 12; None when empty.

    ValueError when it is not a finite number.
    """
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(str(value))
    return number


def months_mask(value: object) -> int:
    """A month mask from a mask or from month numbers (1 = January); 0 when none."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    mask = 0
    for month in value or ():  # type: ignore[attr-defined]
        number = int(month)
        if not 1 <= number <= 12:
            raise ValueError(month)
        mask |= 1 << (number - 1)
    return mask


@cache
def _category_prefixes() -> tuple[tuple[str, str], ...]:
    with CODE_CATEGORIES.open(encoding="utf-8", newline="") as handle:
        rows = [(row["prefix"], row["category"]) for row in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))  # longest prefix first


def category_for_code(code: str) -> str:
    """The material category of a List of Waste code, from `data/code_categories.csv`."""
    for prefix, category in _category_prefixes():
        if code.startswith(prefix):
            return category
    return MaterialCategory.OTHER


# --- validation ---------------------------------------------------------------------------------


def _amount(
    errors: dict[str, str], data: DeclarationInput, field: str, limit: Decimal, places: int
) -> Decimal | None:
    try:
        number = parse_decimal(getattr(data, field))
    except ValueError:
        errors[field] = _("Give a number, e.g. 12,5.")
        return None
    if number is None:
        return None
    if number < 0:
        errors[field] = _("This cannot be negative.")
    elif number > limit:
        errors[field] = _("This is too large.")
    elif number != number.quantize(Decimal(1).scaleb(-places)):
        errors[field] = _("Give at most %(places)d decimals.") % {"places": places}
    else:
        return number
    return None


def _choice(errors: dict[str, str], field: str, value: str, values: list[str]) -> str:
    if value not in values:
        errors[field] = _("Choose one of the listed values.")
    return value


def _amounts(errors: dict[str, str], data: DeclarationInput) -> dict[str, Decimal | None]:
    fields: dict[str, Decimal | None] = {}
    low = _amount(errors, data, "quantity_min", MAX_QUANTITY, 3)
    high = _amount(errors, data, "quantity_max", MAX_QUANTITY, 3)
    for field, value in (("quantity_min", low), ("quantity_max", high)):
        if value is None and field not in errors:
            errors[field] = _("Give a quantity.")
    if low is not None and high is not None and low > high:
        errors["quantity_max"] = _("The maximum quantity must be at least the minimum.")
    fields["quantity_min"], fields["quantity_max"] = low, high
    fields["minimum_lot"] = _amount(errors, data, "minimum_lot", MAX_QUANTITY, 3)
    fields["price"] = _amount(errors, data, "price", MAX_PRICE, 2)
    fields["current_cost"] = _amount(errors, data, "current_cost", MAX_PRICE, 2)
    return fields


def _code_and_category(
    errors: dict[str, str], data: DeclarationInput
) -> tuple[WasteCode | None, str]:
    """The entry of the List of Waste, and the category (derived from the code when not given)."""
    code = None
    if (data.waste_code or "").strip():
        normal = normalise_code(data.waste_code)
        code = WasteCode.objects.filter(code=normal).first() if normal else None
        if code is None:
            errors["waste_code"] = _("Unknown List of Waste code.")
        elif code.level != 3:
            errors["waste_code"] = _(
                "Choose an entry of six digits (e.g. 03 01 05), not a chapter or a section."
            )
            code = None
    category = (data.category or "").strip()
    if category:
        _choice(errors, "category", category, MaterialCategory.values)
    elif code is not None:
        category = category_for_code(code.code)
    elif "waste_code" not in errors:
        errors["category"] = _("Give a List of Waste code or a material category.")
    return code, category


def clean_declaration(organisation: Organisation, data: DeclarationInput) -> dict[str, Any]:
    """The model's fields from the input, or a ValidationError naming every wrong field."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    site = None
    if data.site_id is not None:
        site = Site.objects.filter(pk=data.site_id, organisation=organisation).first()
    if site is None:
        errors["site"] = _("Choose one of the organisation's sites.")
    fields["site"] = site
    fields["direction"] = _choice(errors, "direction", data.direction, Direction.values)
    title = one_line(data.title or "")
    if not title:
        errors["title"] = _("Give the declaration a title.")
    fields["title"] = title[:200]

    fields["waste_code"], fields["category"] = _code_and_category(errors, data)

    fields.update(_amounts(errors, data))
    fields["unit"] = _choice(errors, "unit", data.unit, QuantityUnit.values)
    fields["period"] = _choice(errors, "period", data.period, Period.values)
    try:
        mask = months_mask(data.months)
    except (TypeError, ValueError):
        mask = -1
    if not 1 <= mask <= ALL_MONTHS:
        errors["months"] = _("Tick at least one month.")
    fields["months"] = mask
    fields["composition"] = (data.composition or "").strip()[:5000]
    packaging = data.packaging or ""
    if packaging:
        _choice(errors, "packaging", packaging, Packaging.values)
    fields["packaging"] = packaging
    fields["regulatory_status"] = _choice(
        errors, "regulatory_status", data.regulatory_status, RegulatoryStatus.values
    )
    for field in VISIBILITY_FIELDS:
        fields[field] = _choice(errors, field, getattr(data, field), Visibility.values)
    if errors:
        raise ValidationError(errors)
    return fields


# --- writes -------------------------------------------------------------------------------------


def declare_resource(
    user: Any, organisation: Organisation, data: DeclarationInput
) -> ResourceDeclaration:
    check_can_declare(user, organisation)
    fields = clean_declaration(organisation, data)
    return ResourceDeclaration.objects.create(
        organisation=organisation, created_by=user if user.is_authenticated else None, **fields
    )


def update_declaration(
    user: Any, declaration: ResourceDeclaration, data: DeclarationInput
) -> ResourceDeclaration:
    organisation = declaration.organisation
    check_can_declare(user, organisation)
    fields = clean_declaration(organisation, data)
    return save_open_declaration(declaration, fields)


D = TypeVar("D", ResourceDeclaration, HeatDeclaration)


def save_open_declaration(declaration: D, fields: dict[str, Any]) -> D:
    """Write the checked fields on the locked row, unless it is gone or closed meanwhile."""
    with transaction.atomic():
        locked = lock(declaration)
        if locked is None:
            raise ValidationError(_("This declaration no longer exists."))
        if locked.state == DeclarationState.CLOSED:
            raise ValidationError(_("This declaration is closed: reopen it before editing it."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
    return locked


# What each state change does: the states it may start from, and the state it leads to.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "pause": ((DeclarationState.ACTIVE,), DeclarationState.PAUSED),
    "close": ((DeclarationState.ACTIVE, DeclarationState.PAUSED), DeclarationState.CLOSED),
    "reopen": ((DeclarationState.PAUSED, DeclarationState.CLOSED), DeclarationState.ACTIVE),
}


def set_declaration_state(
    user: Any, declaration: ResourceDeclaration, change: str
) -> ResourceDeclaration:
    """Pause, close or reopen; refused when the declaration is no longer in a state it fits."""
    check_can_declare(user, declaration.organisation)
    if change not in TRANSITIONS:
        raise ValidationError({"change": _("Choose pause, close or reopen.")})
    sources, target = TRANSITIONS[change]
    with transaction.atomic():
        locked = lock(declaration)
        if locked is None:
            raise ValidationError(_("This declaration no longer exists."))
        if locked.state not in sources:
            raise ValidationError(
                _("This declaration is now %(state)s: this change no longer applies.")
                % {"state": locked.get_state_display().lower()}
            )
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
    return locked

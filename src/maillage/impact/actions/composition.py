"""A machine's composition: its materials, their masses and the shares of the MCI.

The owner gives the whole list at once: it replaces the former one, or nothing is saved when a
row is wrong. Each error names its row and field (`materials.2.mass_kg`). A share left blank
takes the factor table's default for the material (`profile.py`), so the checks that shares
add up to at most 1 use those defaults too: the MCI could not be computed otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.impact.actions.machines import (
    check_can_edit,
    lock_for_impact,
    recompute_machine_impact,
)
from maillage.impact.factors import FactorSet
from maillage.impact.models import MaterialShare
from maillage.impact.queries.factors import current_factors
from maillage.maintenance.models import PartMaterial

# 10,000 t: beyond any machine of the network, and a typo in the unit.
MAX_MASS_KG = 10_000_000.0
MAX_ROWS = len(PartMaterial.values)
SHARES = (
    "recycled_feedstock",
    "reused_feedstock",
    "recycled_collection",
    "reused_collection",
    "feedstock_efficiency",
    "collection_efficiency",
)
EFFICIENCIES = ("feedstock_efficiency", "collection_efficiency")
# The pairs that may not exceed 1 together, and the default of the first when left blank.
PAIRS = (
    ("recycled_feedstock", "reused_feedstock"),
    ("recycled_collection", "reused_collection"),
)


@dataclass(frozen=True)
class MaterialInput:
    """One row as typed or sent: numbers, decimal strings, or None / "" for the default."""

    material: str
    mass_kg: object
    recycled_feedstock: object = None
    reused_feedstock: object = None
    recycled_collection: object = None
    reused_collection: object = None
    feedstock_efficiency: object = None
    collection_efficiency: object = None


def _number(value: object) -> float | None:
    """None for blank; raises ValueError for anything that is not a finite number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = float(Decimal(str(value).strip().replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _mass(value: object, where: str, errors: dict[str, str]) -> float | None:
    try:
        mass = _number(value)
    except ValueError:
        mass = -1.0
    if mass is None or not 0.001 <= mass <= MAX_MASS_KG:
        errors[f"{where}.mass_kg"] = _("Give the mass in kilograms, from 0.001 to 10,000,000.")
        return None
    return mass


def _shares(item: MaterialInput, where: str, errors: dict[str, str]) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for name in SHARES:
        try:
            share = _number(getattr(item, name))
        except ValueError:
            share = -1.0
        if share is not None and not 0 <= share <= 1:
            errors[f"{where}.{name}"] = _("Give a share between 0 and 1 (0 to 100 %).")
            share = None
        elif share == 0 and name in EFFICIENCIES:
            errors[f"{where}.{name}"] = _("An efficiency of zero recycles nothing: leave it blank.")
            share = None
        values[name] = share
    return values


def _check_pairs(
    material: str,
    values: dict[str, float | None],
    where: str,
    factors: FactorSet,
    errors: dict[str, str],
) -> None:
    """F_R + F_U ≤ 1 and C_R + C_U ≤ 1, with the factor table's default where blank."""
    for first, second in PAIRS:
        given = values[second]
        if given is None:
            continue
        own = values[first]
        share = own if own is not None else factors.value(f"{first}.{material}")
        if share + given > 1 + 1e-9:
            if own is None:
                errors[f"{where}.{first}"] = _(
                    "With the default of %(percent)s %%, this share and the next exceed 100 %%: "
                    "give this one too."
                ) % {"percent": f"{share * 100:g}"}
            else:
                errors[f"{where}.{second}"] = _("Together with the share before it, over 100 %.")


def clean_composition(
    rows: list[MaterialInput], factors: FactorSet | None = None
) -> list[MaterialShare]:
    """Every row checked, every error collected; the unsaved rows when all are right."""
    factors = factors or current_factors()
    errors: dict[str, str] = {}
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {"materials": _("One row per material, at most %(n)d.") % {"n": MAX_ROWS}}
        )
    seen: set[str] = set()
    clean = []
    for index, item in enumerate(rows):
        where = f"materials.{index}"
        material = (item.material or "").strip()
        if material not in PartMaterial.values:
            errors[f"{where}.material"] = _("Choose a material.")
        elif material in seen:
            errors[f"{where}.material"] = _(
                "%(material)s is already listed: give its whole mass on one row."
            ) % {"material": PartMaterial(material).label}
        seen.add(material)
        mass = _mass(item.mass_kg, where, errors)
        values = _shares(item, where, errors)
        if material in PartMaterial.values:
            _check_pairs(material, values, where, factors, errors)
        if mass is not None:
            clean.append(MaterialShare(material=material, mass_kg=mass, **values))
    if errors:
        raise ValidationError(errors)
    return clean


def save_composition(
    actor: User, machine: Machine, rows: list[MaterialInput]
) -> list[MaterialShare]:
    """Replace the machine's composition with these rows (none: it is cleared), all or nothing,
    and recompute its impact in the same transaction."""
    check_can_edit(actor, machine)
    clean = clean_composition(rows)
    with transaction.atomic():
        locked = lock_for_impact(actor, machine)
        MaterialShare.objects.filter(machine=locked).delete()
        for row in clean:
            row.machine = locked
        saved = MaterialShare.objects.bulk_create(clean)
        recompute_machine_impact(locked)
    return saved

"""A machine's economics: price, residual value, life and costs, private to its owner.

A blank field takes the factor table's default (or, for the price, the purchase price in the
machine's passport). The cost per productive hour of the impact card is computed from them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

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
from maillage.impact.models import MachineEconomics
from maillage.impact.sharing import MAX_HOURS_PER_YEAR

# Upper bounds: beyond them the figure is a typo (a price in cents typed as euros, say).
LIMITS = {
    "price_cents": 10**11,  # €1 billion
    "residual_value_cents": 10**11,
    "life_years": 100,
    "fixed_costs_cents_per_year": 10**10,
    "variable_cents_per_hour": 10**7,  # €100,000 an hour
    "hours_available_per_year": int(MAX_HOURS_PER_YEAR),
}
AT_LEAST_ONE = ("life_years", "hours_available_per_year")


@dataclass(frozen=True)
class EconomicsInput:
    price_cents: int | None = None
    residual_value_cents: int | None = None
    life_years: int | None = None
    fixed_costs_cents_per_year: int | None = None
    variable_cents_per_hour: int | None = None
    hours_available_per_year: int | None = None


def _check(data: EconomicsInput) -> None:
    errors: dict[str, str] = {}
    for item in fields(data):
        value = getattr(data, item.name)
        if value is None:
            continue
        low = 1 if item.name in AT_LEAST_ONE else 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value:
            errors[item.name] = (
                _("Give a whole number, 1 or more.") if low else _("Give an amount, zero or more.")
            )
        elif value > LIMITS[item.name]:
            errors[item.name] = _("This figure is beyond any machine: check its unit.")
    price, residual = data.price_cents, data.residual_value_cents
    checked = "price_cents" not in errors and "residual_value_cents" not in errors
    if checked and price is not None and residual is not None and residual > price:
        errors["residual_value_cents"] = _("The residual value cannot exceed the price.")
    if errors:
        raise ValidationError(errors)


def save_economics(actor: User, machine: Machine, data: EconomicsInput) -> MachineEconomics:
    """Replace the machine's economics (blank fields: the defaults) and recompute its impact."""
    check_can_edit(actor, machine)
    _check(data)
    with transaction.atomic():
        locked = lock_for_impact(actor, machine)
        economics, _created = MachineEconomics.objects.update_or_create(
            machine=locked, defaults={item.name: getattr(data, item.name) for item in fields(data)}
        )
        recompute_machine_impact(locked)
    return economics

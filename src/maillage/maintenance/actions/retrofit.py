"""A retrofit project: the machine rebuilt, recorded as a retrofit intervention with its parts."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.maintenance import retrofit
from maillage.maintenance.actions.interventions import (
    InterventionInput,
    check_can_maintain,
    record_intervention,
)
from maillage.maintenance.models import InterventionKind, RetrofitProject

MAX_ADDED_YEARS = 50


@dataclass(frozen=True)
class RetrofitInput:
    title: str
    before_state: str
    after_state: str = ""
    kwh_per_year_before: float | None = None
    kwh_per_year_after: float | None = None
    # How many years the retrofit adds to the machine's expected life (impact's L/L_av).
    added_life_years: int | None = None


def record_retrofit(
    actor: User, machine: Machine, data: RetrofitInput, work: InterventionInput
) -> RetrofitProject:
    """The retrofit intervention (cost, parts, who did it) and the project describing it."""
    check_can_maintain(actor, machine)
    errors = {}
    if not data.title.strip():
        errors["title"] = _("Give the project a title.")
    if not data.before_state.strip():
        errors["before_state"] = _("Describe the machine before the retrofit.")
    for name in ("kwh_per_year_before", "kwh_per_year_after"):
        value = getattr(data, name)
        if value is not None and value < 0:
            errors[name] = _("Energy used cannot be negative.")
    added = data.added_life_years
    if added is not None and (isinstance(added, bool) or not 0 <= added <= MAX_ADDED_YEARS):
        errors["added_life_years"] = _("Give a number of years from 0 to 50.")
    if work.kind != InterventionKind.RETROFIT:
        errors["kind"] = _("A retrofit project is recorded with a retrofit intervention.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        intervention = record_intervention(actor, machine, work)
        parts = [
            retrofit.Part(part.material, float(part.mass_kg)) for part in intervention.parts.all()
        ]
        return RetrofitProject.objects.create(
            machine=machine,
            intervention=intervention,
            title=data.title.strip()[:200],
            before_state=data.before_state.strip(),
            after_state=data.after_state.strip(),
            cost_cents=intervention.cost_cents,
            kwh_per_year_before=data.kwh_per_year_before,
            kwh_per_year_after=data.kwh_per_year_after,
            embodied_kgco2e=retrofit.embodied_kgco2e(parts, retrofit.load_factors()),
            added_life_years=added,
        )

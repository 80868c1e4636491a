"""Compute and store the impact figures of machines (`MachineImpact`), one or all of them.

The figures are recomputed from the records (composition, economics, retrofits, parts, usage,
bookings, repairability) by `recompute_machine_impact`; `recompute_all` runs it over the park
(the nightly task and `manage.py recompute_impact`). Storing them lets the network's dashboard
aggregate 100,000 machines in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.impact import circularity, durability, profile
from maillage.impact.factors import FactorSet
from maillage.impact.models import MachineEconomics, MachineImpact, RepairabilityAssessment
from maillage.impact.queries import machines as queries
from maillage.impact.queries.factors import current_factors
from maillage.maintenance.models import (
    Acquisition,
    OwnershipPeriod,
    PartReplaced,
    RetrofitProject,
    UsageRecord,
)
from maillage.sharing.models import Booking, BookingState

YEAR = dt.timedelta(days=365)
# How old the figures a page shows may be before it computes them again.
FRESH = dt.timedelta(hours=1)
SECOND_LIFE = (Acquisition.SECOND_HAND, Acquisition.DONATION)


def check_can_edit(actor: User, machine: Machine) -> None:
    if not queries.can_edit(actor, machine):
        raise PermissionDenied(_("Only the machine's organisation records its impact."))


def lock_for_impact(actor: User, machine: Machine) -> Machine:
    """Lock the machine's row (inside a transaction) and check, on the row as it is now, that
    the actor may write its impact: a machine handed over meanwhile belongs to its new owner."""
    locked = Machine.objects.select_for_update().get(pk=machine.pk)
    check_can_edit(actor, locked)
    return locked


def _composition(machine: Machine) -> list[profile.Composition]:
    return [
        profile.Composition(
            material=row.material,
            mass_kg=row.mass_kg,
            recycled_feedstock=row.recycled_feedstock,
            reused_feedstock=row.reused_feedstock,
            recycled_collection=row.recycled_collection,
            reused_collection=row.reused_collection,
            feedstock_efficiency=row.feedstock_efficiency,
            collection_efficiency=row.collection_efficiency,
        )
        for row in machine.material_shares.all()
    ]


def _second_life(machine: Machine) -> bool:
    """Bought second-hand, given, transferred in the network, or retrofitted."""
    periods = OwnershipPeriod.objects.filter(machine=machine)
    return (
        periods.filter(Q(acquisition__in=SECOND_LIFE) | Q(transfer__isnull=False)).exists()
        or RetrofitProject.objects.filter(machine=machine).exists()
    )


def _usage(machine: Machine, since: dt.datetime) -> tuple[float, float, int]:
    """Hours used, hours used by other organisations, organisations served (12 months)."""
    used = UsageRecord.objects.filter(machine=machine, when__gte=since).aggregate(h=Sum("hours"))
    others = Booking.objects.filter(
        machine=machine, state=BookingState.COMPLETED, end__gte=since
    ).exclude(booker_organisation=machine.organisation_id)
    shared = others.aggregate(h=Sum("hours_used"), n=Count("booker_organisation", distinct=True))
    return float(used["h"] or 0), float(shared["h"] or 0), int(shared["n"] or 0)


def _life(machine: Machine, economics: MachineEconomics | None, factors: FactorSet) -> float:
    if economics is not None and economics.life_years:
        return float(economics.life_years)
    return factors.value("machine_life_years")


def _hours_available(economics: MachineEconomics | None, factors: FactorSet) -> float:
    if economics is not None and economics.hours_available_per_year:
        return float(economics.hours_available_per_year)
    return factors.value("hours_available_per_year")


def recompute_machine_impact(
    machine: Machine, *, now: dt.datetime | None = None, factors: FactorSet | None = None
) -> MachineImpact:
    """The machine's figures from its records, stored and returned (None where unknown)."""
    now = now or timezone.now()
    factors = factors or current_factors()
    factors.used.clear()
    economics = MachineEconomics.objects.filter(machine=machine).first()
    rows = _composition(machine)
    extension = float(
        RetrofitProject.objects.filter(machine=machine).aggregate(y=Sum("added_life_years"))["y"]
        or 0
    )
    life = _life(machine, economics, factors)
    hours, shared, served = _usage(machine, now - YEAR)
    available = _hours_available(economics, factors)
    utilisation = min(1.0, hours / available) if hours else None
    lifetime_ratio = durability.lifetime_ratio(
        expected_life=life, average_life=factors.value("machine_life_years"), extension=extension
    )
    intensity_ratio = utilisation / factors.value("average_utilisation") if utilisation else None
    mass = sum(row.mass_kg for row in rows) or None
    mci = embodied = None
    if rows:
        new_parts = PartReplaced.objects.filter(intervention__machine=machine).aggregate(
            kg=Sum("mass_kg")
        )["kg"]
        flows = profile.material_flows(
            rows, factors, second_life=_second_life(machine), new_parts_kg=float(new_parts or 0)
        )
        mci = circularity.machine_mci(
            flows, lifetime_ratio=lifetime_ratio, intensity_ratio=intensity_ratio or 1.0
        )
        embodied = profile.embodied_kgco2e(rows, factors)
    remaining = None
    if machine.year:
        age = durability.age_years(min(machine.year, now.year), now.year)
        remaining = durability.remaining_life_years(
            age=age, expected_life=life, extension=extension
        )
    latest = (
        RepairabilityAssessment.objects.filter(machine=machine).order_by("-assessed_at").first()
    )
    values = {
        "mass_kg": mass,
        "mci": mci,
        "lifetime_ratio": lifetime_ratio,
        "intensity_ratio": intensity_ratio,
        "repairability": latest.total if latest else None,
        "utilisation": utilisation,
        "hours_used": hours,
        "hours_shared": shared,
        "organisations_served": served,
        "embodied_kgco2e": embodied,
        "remaining_life_years": remaining,
        "factor_versions": {key: factor.version for key, factor in sorted(factors.used.items())},
    }
    impact, _ = MachineImpact.objects.update_or_create(machine=machine, defaults=values)
    return impact


def ensure_impact(machine: Machine, *, max_age: dt.timedelta = FRESH) -> MachineImpact:
    """The machine's stored figures, computed again when they never were or are older than
    `max_age`: use and bookings change them without telling impact (the nightly run and
    `manage.py recompute_impact` catch up with the whole park)."""
    impact = MachineImpact.objects.filter(machine=machine).first()
    if impact is not None and impact.computed_at >= timezone.now() - max_age:
        return impact
    with transaction.atomic():
        return recompute_machine_impact(machine)


def recompute_all(
    machines: Iterable[Machine] | None = None, *, now: dt.datetime | None = None
) -> int:
    """Recompute every machine (or those given) with one factor table; returns how many."""
    factors = current_factors()
    queryset = machines if machines is not None else Machine.objects.order_by("pk").iterator(500)
    count = 0
    for machine in queryset:
        with transaction.atomic():
            recompute_machine_impact(machine, now=now, factors=factors)
        count += 1
    return count

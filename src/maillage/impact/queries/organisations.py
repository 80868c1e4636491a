"""An organisation's impact: its fleet, its use and sharing, its material flows (SQL sums).

The fleet's figures (MCI, repairability, embodied carbon) are the machines' stored figures
(`MachineImpact`) as they are now; use, sharing and flows are read from the records of a
period. Each figure comes with its coverage (how many machines it is known for). The
organisation's own bookings (hours it received, what it paid) and the amounts it invoiced are
private: `OrganisationImpact.private` says whether the viewer reads them, and they are None
otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from maillage.directory import permissions
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine, MachineStatus
from maillage.impact import cti
from maillage.impact.factors import FactorSet, FactorValue
from maillage.impact.models import MachineImpact
from maillage.impact.queries.factors import current_factors
from maillage.impact.queries.flows import Inflow, Outflow, flows, uncounted_machines
from maillage.maintenance.models import UsageRecord
from maillage.sharing.models import Booking, BookingState

YEAR_DAYS = 365.0
# The source of the flows exchanged through a symbiosis synergy (impact.queries.flows).
SYMBIOSIS = "symbiosis"


def can_see_private(user: Any, organisation: Organisation) -> bool:
    """Its own bookings, prices and amounts: the organisation's active members, coordinators."""
    return permissions.can_edit_sites(user, organisation)


@dataclass(frozen=True)
class Fleet:
    machines: int
    mci: float | None
    mci_known: int
    mass_kg: float
    repairability: float | None
    repairability_known: int
    embodied_kgco2e: float | None
    embodied_known: int


@dataclass(frozen=True)
class Use:
    hours_used: float
    hours_available: float
    hours_given: float
    organisations_served: int
    # Private (None when the viewer may not read them).
    hours_received: float | None = None
    organisations_used: int | None = None
    invoiced_cents: int | None = None
    paid_cents: int | None = None

    @property
    def utilisation(self) -> float | None:
        return self.hours_used / self.hours_available if self.hours_available else None


@dataclass
class OrganisationImpact:
    organisation: Organisation
    start: dt.date
    end: dt.date
    private: bool
    fleet: Fleet
    use: Use
    inflows: list[Inflow]
    outflows: list[Outflow]
    circularity: cti.Circularity
    uncounted: dict[str, int]
    factors: list[FactorValue] = field(default_factory=list)


def fleet_machines(organisation: Organisation) -> QuerySet[Machine]:
    """The machines it holds now and has not retired."""
    return Machine.objects.filter(organisation=organisation).exclude(status=MachineStatus.RETIRED)


def fleet(organisation: Organisation) -> Fleet:
    """Mass-weighted MCI (`circularity.fleet_mci`, summed in SQL), mean repairability and
    embodied carbon of its machines, each with the number of machines it is known for."""
    known_mci = Q(mci__isnull=False, mass_kg__gt=0)
    known_embodied = Q(embodied_kgco2e__isnull=False)
    row = MachineImpact.objects.filter(machine__in=fleet_machines(organisation)).aggregate(
        weighted=Sum(F("mass_kg") * F("mci"), filter=known_mci),
        known_mass=Sum("mass_kg", filter=known_mci),
        mci_known=Count("pk", filter=known_mci),
        mean_repairability=Avg(Cast("repairability", FloatField())),
        repairability_known=Count("pk", filter=Q(repairability__isnull=False)),
        total_embodied=Sum("embodied_kgco2e", filter=known_embodied),
        embodied_known=Count("pk", filter=known_embodied),
    )
    mass = float(row["known_mass"] or 0)
    return Fleet(
        machines=fleet_machines(organisation).count(),
        mci=float(row["weighted"]) / mass if mass else None,
        mci_known=row["mci_known"],
        mass_kg=mass,
        repairability=row["mean_repairability"],
        repairability_known=row["repairability_known"],
        embodied_kgco2e=row["total_embodied"],
        embodied_known=row["embodied_known"],
    )


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _bookings(start: dt.date, end: dt.date) -> QuerySet[Booking]:
    return Booking.objects.filter(
        state=BookingState.COMPLETED, end__gte=_moment(start), end__lt=_moment(end)
    )


def use(
    organisation: Organisation,
    start: dt.date,
    end: dt.date,
    *,
    private: bool,
    factors: FactorSet,
) -> Use:
    """Hours used on its machines over the hours they were open, hours others used them and
    how many organisations; privately, its own bookings elsewhere and the amounts."""
    machines = fleet_machines(organisation)
    used = UsageRecord.objects.filter(
        machine__organisation=organisation, when__gte=_moment(start), when__lt=_moment(end)
    ).aggregate(h=Sum("hours"))["h"]
    default = factors.value("hours_available_per_year")
    available = machines.aggregate(
        h=Sum(
            Coalesce(
                Cast("economics__hours_available_per_year", FloatField()),
                Value(default),
                output_field=FloatField(),
            ),
            default=0.0,
        )
    )["h"]
    days = (end - start).days
    given = (
        _bookings(start, end)
        .filter(host_organisation=organisation)
        .exclude(booker_organisation=organisation)
        .aggregate(
            h=Sum("hours_used"),
            n=Count("booker_organisation", distinct=True),
            cents=Sum(Coalesce("final_cents", "estimated_cents")),
        )
    )
    figures = Use(
        hours_used=float(used or 0),
        hours_available=float(available or 0) * days / YEAR_DAYS,
        hours_given=float(given["h"] or 0),
        organisations_served=given["n"],
    )
    if not private:
        return figures
    received = (
        _bookings(start, end)
        .filter(booker_organisation=organisation)
        .exclude(host_organisation=organisation)
        .aggregate(
            h=Sum("hours_used"),
            n=Count("host_organisation", distinct=True),
            cents=Sum(Coalesce("final_cents", "estimated_cents")),
        )
    )
    return Use(
        hours_used=figures.hours_used,
        hours_available=figures.hours_available,
        hours_given=figures.hours_given,
        organisations_served=figures.organisations_served,
        hours_received=float(received["h"] or 0),
        organisations_used=received["n"],
        invoiced_cents=int(given["cents"] or 0),
        paid_cents=int(received["cents"] or 0),
    )


def monthly_hours(
    organisation: Organisation, start: dt.date, end: dt.date
) -> list[tuple[dt.date, float, float]]:
    """(month, hours used on its machines, hours others used them) for each month of the
    period, zero where nothing was recorded."""
    used = (
        UsageRecord.objects.filter(
            machine__organisation=organisation, when__gte=_moment(start), when__lt=_moment(end)
        )
        .annotate(month=TruncMonth("when"))
        .values("month")
        .annotate(h=Sum("hours"))
    )
    given = (
        _bookings(start, end)
        .filter(host_organisation=organisation)
        .exclude(booker_organisation=organisation)
        .annotate(month=TruncMonth("end"))
        .values("month")
        .annotate(h=Sum("hours_used"))
    )
    by_used = {_month(row["month"]): float(row["h"] or 0) for row in used}
    by_given = {_month(row["month"]): float(row["h"] or 0) for row in given}
    months = []
    day = start.replace(day=1)
    while day < end:
        months.append((day, by_used.get(day, 0.0), by_given.get(day, 0.0)))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def organisation_impact(
    organisation: Organisation,
    viewer: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    factors: FactorSet | None = None,
) -> OrganisationImpact:
    """Everything the organisation's impact page and report show, over [start, end) (the last
    twelve months by default), as this viewer may read it."""
    end = end or timezone.localdate() + dt.timedelta(days=1)
    start = start or end - dt.timedelta(days=365)
    factors = factors or current_factors()
    private = can_see_private(viewer, organisation)
    inflows, outflows = flows(organisation=organisation, start=start, end=end, factors=factors)
    if not private:
        # A synergy's exchanged tonnages are private to both sides (symbiosis confidentiality):
        # left out of what others read, the CTI included, so it cannot be worked back out.
        inflows = [flow for flow in inflows if flow.source != SYMBIOSIS]
        outflows = [flow for flow in outflows if flow.source != SYMBIOSIS]
    figures = OrganisationImpact(
        organisation=organisation,
        start=start,
        end=end,
        private=private,
        fleet=fleet(organisation),
        use=use(organisation, start, end, private=private, factors=factors),
        inflows=inflows,
        outflows=outflows,
        circularity=cti.circularity(inflows, outflows),
        uncounted=uncounted_machines(organisation=organisation, start=start, end=end),
    )
    figures.factors = [factors.used[key] for key in sorted(factors.used)]
    return figures

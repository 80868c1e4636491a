"""What the network's needs tell: transport avoided by working locally, and local production.

Both read the matching app's needs of the period. Jobs are needs given a machine by a batch
allocation (distance: straight line to the machine's site × `road_detour_factor`) or booked
(distance: at most the need's own radius). Transport: the jobs' round trips at
`transport_kgco2e_per_km`, against the same jobs done `counterfactual_km` away, outside the
territory. Local production: the share of needs answered in the network, and within
`local_radius_km` (measured, or bounded by the need's own radius). Contributors: the
organisations (or people without one) that entered the needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, Q, Sum, When

from maillage.impact import disclosure
from maillage.impact.disclosure import Cell
from maillage.impact.factors import FactorValue
from maillage.impact.queries.network_scope import (
    Coverage,
    NetworkFilters,
    fresh_factors,
    haversine_km,
    needs,
    threshold,
    used_factors,
    without_jit_read,
)
from maillage.matching.models import NeedStatus

ROUND_TRIP = 2  # a job is a trip there and back


@dataclass(frozen=True)
class Transport:
    """CO2 of the trips of the network's jobs against the same jobs done outside it."""

    jobs: Cell
    actual_kgco2e: Cell
    counterfactual_kgco2e: Cell
    avoided_kgco2e: Cell
    coverage: Coverage  # jobs whose distance is measured (not only bounded) of all jobs
    factors: list[FactorValue]
    method: str = "avoided"


@dataclass(frozen=True)
class LocalProduction:
    """Share of the needs answered in the territory, and within the local radius."""

    needs: Cell
    answered_share: Cell
    local_share: Cell
    radius_km: float
    coverage: Coverage  # answered needs whose distance is known or bounded within the radius
    factors: list[FactorValue]
    method: str = "local"


@without_jit_read
def transport_and_local(
    filters: NetworkFilters,
    *,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> tuple[Transport, LocalProduction]:
    """Both read the period's needs: one pass of conditional counts and sums."""
    k = threshold(min_contributors)
    trips, shares = fresh_factors(overrides), fresh_factors(overrides)
    radius = shares.value("local_radius_km")
    answered = Q(status__in=[NeedStatus.MATCHED, NeedStatus.BOOKED])
    allocated = Q(allocated_machine__isnull=False)
    job = allocated | Q(status=NeedStatus.BOOKED)
    # A need answered without a batch was matched within its own radius: bounded, not measured.
    bounded_local = answered & ~allocated & Q(max_km__lte=radius)
    distance = haversine_km(
        "latitude",
        "longitude",
        "allocated_machine__site__latitude",
        "allocated_machine__site__longitude",
    )
    who = Count("organisation", distinct=True)
    alone = Count("requester", distinct=True, filter=Q(organisation__isnull=True))
    row = (
        needs(filters)
        .annotate(trip_km=Case(When(allocated, then=distance), default=F("max_km")))
        .aggregate(
            needs=Count("id"),
            answered=Count("id", filter=answered),
            local=Count("id", filter=(allocated & Q(trip_km__lte=radius)) | bounded_local),
            placed=Count("id", filter=allocated | bounded_local),
            jobs=Count("id", filter=job),
            measured=Count("id", filter=allocated),
            kilometres=Sum("trip_km", filter=job, output_field=FloatField()),
            who=who,
            alone=alone,
            job_who=Count("organisation", distinct=True, filter=job),
            job_alone=Count("requester", distinct=True, filter=job & Q(organisation__isnull=True)),
        )
    )
    per_km = trips.value("transport_kgco2e_per_km") * ROUND_TRIP
    actual = (row["kilometres"] or 0.0) * trips.value("road_detour_factor") * per_km
    elsewhere = row["jobs"] * trips.value("counterfactual_km") * per_km
    job_contributors = row["job_who"] + row["job_alone"]

    def trip(value: float) -> Cell:
        return disclosure.judge(value, job_contributors, k, additive=True)

    transport = Transport(
        jobs=trip(row["jobs"]),
        actual_kgco2e=trip(actual),
        counterfactual_kgco2e=trip(elsewhere),
        avoided_kgco2e=trip(elsewhere - actual),
        coverage=Coverage(row["measured"], row["jobs"])
        if job_contributors >= k
        else Coverage(0, 0),
        factors=used_factors(trips),
    )
    contributors = row["who"] + row["alone"]
    total = row["needs"]

    def share(value: int) -> Cell:
        return disclosure.judge(value / total if total else None, contributors, k, additive=False)

    local = LocalProduction(
        needs=disclosure.judge(total, contributors, k, additive=True),
        answered_share=share(row["answered"]),
        local_share=share(row["local"]),
        radius_km=radius,
        coverage=Coverage(row["placed"], row["answered"]) if contributors >= k else Coverage(0, 0),
        factors=used_factors(shares),
    )
    return transport, local

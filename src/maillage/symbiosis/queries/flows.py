"""The flows of the territory: one line per synergy that both sides accepted, from the offer's
site to the demand's, as the viewer may read it (map, CSV and GeoJSON share this).

A visitor sees the synergies both sides accepted (agreed, running, ended), placed at the
commune's reference point when the exact site is not public, their quantity as an order of
magnitude. The sides of a synergy and coordinators see it exactly; coordinators' reads of
private fields are returned for the read log.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from maillage.symbiosis.confidentiality import Viewer, logged, order_of_magnitude, readable
from maillage.symbiosis.models import ResourceDeclaration, Synergy, SynergyExchange, SynergyState
from maillage.symbiosis.queries.synergies import (
    commune_point,
    exchanged_per_synergy,
    is_party,
    levels_of,
)
from maillage.symbiosis.queries.visibility import (
    REVEALING_STATES,
    Audience,
    PrivateRead,
    audience_of,
)

# The groups a flow shows: where each end is, how much goes along it.
FLOW_GROUPS = ("quantity", "site")


@dataclass(frozen=True)
class End:
    title: str
    organisation: str
    commune: str
    latitude: float
    longitude: float
    exact_site: bool


@dataclass(frozen=True)
class Flow:
    id: int
    state: str
    state_label: str
    code: str
    category: str
    unit: str
    offer: End
    demand: End
    exact: bool
    # Per year: the last twelve months exchanged when there are any, else what was planned.
    per_year: Decimal | None
    per_year_low: float
    per_year_high: float
    exchanged_total: Decimal | None
    agreed_on: dt.date | None
    url: str | None

    @property
    def weight(self) -> float:
        """Line thickness in pixels, on a log scale of the quantity per year (2 to 14)."""
        value = float(self.per_year) if self.per_year is not None else self.per_year_low
        return round(min(14.0, max(2.0, 2.0 + 2.0 * math.log10(max(value, 1.0)))), 1)


def _end(declaration: ResourceDeclaration, viewer: Viewer) -> End | None:
    site = declaration.site
    exact = "site" in readable({"site": declaration.site_visibility}, viewer)
    point: tuple[float, float] | None = None
    if exact and site.latitude is not None and site.longitude is not None:
        point = (site.latitude, site.longitude)
    else:
        point = commune_point(declaration)
        exact = False
    if point is None:
        return None
    return End(
        title=declaration.title,
        organisation=declaration.organisation.name,
        commune=site.place_name(),
        latitude=point[0],
        longitude=point[1],
        exact_site=exact,
    )


def _last_year(synergy_ids: list[int], today: dt.date) -> dict[int, Decimal]:
    since = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    rows = (
        SynergyExchange.objects.filter(synergy_id__in=synergy_ids, month__gte=since)
        .values("synergy_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["synergy_id"]: row["total"] for row in rows}


def _log(declaration: ResourceDeclaration, viewer: Viewer) -> PrivateRead | None:
    levels = {group: levels_of(declaration)[group] for group in FLOW_GROUPS}
    groups = logged(levels, viewer)
    if not groups:
        return None
    return PrivateRead(
        kind="resource",
        object_id=declaration.pk,
        organisation_id=declaration.organisation_id,
        fields=frozenset(groups),
    )


def territory_flows(
    user: Any, audience: Audience | None = None, today: dt.date | None = None
) -> tuple[list[Flow], list[PrivateRead]]:
    """Every flow this person may see, and the coordinator's reads to log."""
    audience = audience or audience_of(user)
    today = today or timezone.localdate()
    qs = Synergy.objects.select_related(
        "offer__organisation",
        "offer__site__commune",
        "demand__organisation",
        "demand__site__commune",
    ).filter(state__in=REVEALING_STATES)
    if not audience.is_coordinator:
        qs = qs.filter(offer_accepted_at__isnull=False, demand_accepted_at__isnull=False)
    synergies = list(qs.order_by("pk"))
    ids = [s.pk for s in synergies]
    last_year, totals = _last_year(ids, today), exchanged_per_synergy(ids)
    flows: list[Flow] = []
    reads: list[PrivateRead] = []
    for synergy in synergies:
        offer, demand = synergy.offer, synergy.demand
        offer_viewer = audience.viewer(offer.organisation_id, offer.pk)
        demand_viewer = audience.viewer(demand.organisation_id, demand.pk)
        start, end = _end(offer, offer_viewer), _end(demand, demand_viewer)
        if start is None or end is None:
            continue
        party = is_party(synergy, audience)
        exact = audience.is_coordinator or party
        per_year = last_year.get(synergy.pk) or synergy.quantity_per_year
        low, high = order_of_magnitude(float(per_year))
        flows.append(
            Flow(
                id=synergy.pk,
                state=synergy.state,
                state_label=str(SynergyState(synergy.state).label),
                code=offer.waste_code_id or "",
                category=offer.category,
                unit=synergy.unit,
                offer=start,
                demand=end,
                exact=exact,
                per_year=per_year if exact else None,
                per_year_low=low,
                per_year_high=high,
                exchanged_total=totals.get(synergy.pk, Decimal(0)) if exact else None,
                agreed_on=timezone.localdate(synergy.agreed_at) if synergy.agreed_at else None,
                url=reverse("symbiosis:synergy", args=[synergy.pk]) if exact else None,
            )
        )
        if audience.is_coordinator:
            reads += [r for r in (_log(offer, offer_viewer), _log(demand, demand_viewer)) if r]
    return flows, reads

"""What the scenario simulator reads from the inventory: its choices and its pre-filled inputs.

Privacy: a pre-filled figure drawn from organisations' private records (prices, costs, lives,
utilisation, embodied carbon) is an aggregate of at least `IMPACT_MIN_CONTRIBUTORS` (3)
organisations of the network: each organisation's own average first, so that a firm with fifty
machines counts once, then the median and the quartiles across organisations, rounded to two
significant figures. Below the threshold the factor table gives the value. A machine's own
records pre-fill the retrofit scenario only for the members of its organisation (its price) or
those who may read its maintenance (its use and retrofit parts); anyone else gets its public
data (power) and the defaults.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Avg, Exists, OuterRef, Q, QuerySet

from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.models import Organisation, OrganisationStatus
from maillage.equipment.models import Machine, Process
from maillage.equipment.queries import machines_with_process, visible_machines
from maillage.impact import profile
from maillage.impact.factors import FactorSet
from maillage.impact.models import MachineEconomics
from maillage.impact.simulation import RETROFIT_INPUTS, SHARE_INPUTS, InputSpec
from maillage.maintenance.queries.plans import can_read_maintenance
from maillage.maintenance.views.retrofit import defaults as retrofit_defaults
from maillage.maintenance.views.retrofit import prefill as machine_prefill
from maillage.matching.models import Need

# Input → (field of the machine, scale) of the inventory aggregate that pre-fills it when
# enough organisations contribute; "power" gives the electricity of an hour.
SHARE_INVENTORY: dict[str, tuple[str, float]] = {
    "price": ("economics__price_cents", 0.01),
    "life_years": ("economics__life_years", 1.0),
    "hours_available": ("economics__hours_available_per_year", 1.0),
    "variable_per_hour": ("economics__variable_cents_per_hour", 0.01),
    "utilisation_solo": ("impact__utilisation", 1.0),
    "embodied_kgco2e": ("impact__embodied_kgco2e", 1.0),
    "power_kw": ("power_kw", 1.0),
}
ORGANISATIONS_SHOWN = 100
MACHINES_SHOWN = 30
MAX_MACHINES = 50


def min_contributors() -> int:
    return int(getattr(settings, "IMPACT_MIN_CONTRIBUTORS", 3))


@dataclass(frozen=True, slots=True)
class Prefill:
    """A pre-filled input in the core's units; `origin` says where it comes from.

    origin: "inventory" (an aggregate of `contributors` organisations), "factor" (the factor
    table, keys in `factors`), "records" (the chosen machines' own records), "public" (their
    public data and the defaults).
    """

    low: float
    likely: float
    high: float
    origin: str
    contributors: int = 0
    factors: tuple[str, ...] = ()


def significant(value: float, digits: int = 2) -> float:
    """`value` rounded to `digits` significant figures (148,532 → 150,000)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _spread(likely: float, spec: InputSpec, factors: FactorSet) -> tuple[float, float]:
    low = likely * factors.value("scenario_spread_low")
    high = likely * factors.value("scenario_spread_high")
    return max(low, spec.domain.low), min(high, spec.domain.high)


def _from_factor(spec: InputSpec, factors: FactorSet, key: str, *, spread: bool) -> Prefill:
    likely = factors.value(key)
    low, high = _spread(likely, spec, factors) if spread else (likely, likely)
    return Prefill(low, likely, high, "factor", factors=(key,))


def _from_values(
    spec: InputSpec, per_organisation: Sequence[float], factors: FactorSet
) -> Prefill | None:
    """Median and quartiles across organisations, when enough of them contribute."""
    if len(per_organisation) < min_contributors():
        return None
    quartiles = np.percentile(np.asarray(per_organisation, dtype=float), (25, 50, 75))
    low, likely, high = (significant(float(v)) for v in quartiles)
    if not high > low:
        low, high = _spread(likely, spec, factors)
    low, high = max(low, spec.domain.low), min(high, spec.domain.high)
    return Prefill(low, likely, high, "inventory", contributors=len(per_organisation))


def per_organisation(process: Process | None) -> dict[str, list[float]]:
    """Each validated organisation's average of every inventory figure over its machines of the
    process (and its sub-processes), in one SQL query: input → one value per organisation.

    The economics and impact records are one-to-one with machines (left joins): a machine counts
    once, and an average ignores the machines that leave the figure blank.
    """
    if process is None:
        return {name: [] for name in SHARE_INVENTORY}
    processes = Process.objects.filter(path__startswith=process.path).values_list("pk", flat=True)
    tagged = Machine.processes.through.objects.filter(process_id__in=list(processes))
    rows = (
        Machine.objects.filter(
            pk__in=tagged.values("machine_id"),
            organisation__status=OrganisationStatus.VALIDATED,
        )
        .order_by()
        .values("organisation_id")
        .annotate(**{name: Avg(path) for name, (path, _scale) in SHARE_INVENTORY.items()})
    )
    found: dict[str, list[float]] = {name: [] for name in SHARE_INVENTORY}
    for row in rows:
        averages: dict[str, Any] = dict(row)
        for name, (_path, scale) in SHARE_INVENTORY.items():
            if averages[name] is not None:
                found[name].append(float(averages[name]) * scale)
    return found


def process_choices() -> list[tuple[str, str]]:
    """Processes some machine of a validated organisation is tagged with, in taxonomy order."""
    public = Machine.processes.through.objects.filter(
        process_id=OuterRef("pk"), machine__organisation__status=OrganisationStatus.VALIDATED
    )
    rows = Process.objects.filter(Exists(public)).only("code", "label_fr", "label_en")
    return [(process.code, f"{process.label} ({process.code})") for process in rows]


def candidate_organisations(process: Process) -> QuerySet[Organisation]:
    """Validated organisations that own a machine of this process or asked for it (a need)."""
    owners = Machine.objects.filter(pk__in=machines_with_process(process.code)).values(
        "organisation_id"
    )
    askers = Need.objects.filter(process__path__startswith=process.path).values("organisation_id")
    return Organisation.objects.filter(status=OrganisationStatus.VALIDATED).filter(
        Q(pk__in=owners) | Q(pk__in=askers)
    )


def default_embodied_kgco2e(factors: FactorSet) -> float:
    """A new mid-size machine of the retrofit defaults (mass and material mix) × the factors."""
    base = retrofit_defaults()
    rows = [
        profile.Composition(material, base["new_mass_kg"] * share)
        for material, share in base["new_mix"].items()
    ]
    return profile.embodied_kgco2e(rows, factors)


# Choices or conventions more than uncertain figures: fixed unless someone gives a range.
SHARE_FIXED = {
    "residual_share",
    "discount_rate",
    "fixed_share_of_price",
    "fixed_costs_per_year",
    "hours_available",
}
SHARE_FACTORS = {
    "price": "machine_price",
    "residual_share": "residual_value_share",
    "discount_rate": "discount_rate",
    "life_years": "machine_life_years",
    "fixed_share_of_price": "fixed_costs_share_of_price",
    "fixed_costs_per_year": "fixed_costs_per_year",
    "hours_available": "hours_available_per_year",
    "utilisation_solo": "average_utilisation",
    "variable_per_hour": "variable_cost_per_hour",
    "coordination_per_hour": "coordination_cost_per_hour",
    "coordination_setup": "coordination_setup_cost",
    "grid_kgco2e_per_kwh": "grid_kgco2e_per_kwh",
    "embodied_kgco2e": "machine_embodied_kgco2e",
}


def share_prefill(
    process: Process | None, organisations: int, factors: FactorSet
) -> dict[str, Prefill]:
    """Every input of the share scenario for machines of `process` shared by `organisations`."""
    specs = {spec.name: spec for spec in SHARE_INPUTS}
    inventory = per_organisation(process)
    found: dict[str, Prefill] = {}
    for name, values in inventory.items():
        aggregate = _from_values(specs[name], values, factors) if name in specs else None
        if aggregate is not None:
            found[name] = aggregate
    for name, key in SHARE_FACTORS.items():
        if name not in found:
            found[name] = _from_factor(specs[name], factors, key, spread=name not in SHARE_FIXED)
    found["utilisation_shared"] = _shared_utilisation(
        found["utilisation_solo"], organisations, specs["utilisation_shared"], factors
    )
    found["kwh_per_hour"] = _kwh_per_hour(inventory["power_kw"], specs["kwh_per_hour"], factors)
    return {spec.name: found[spec.name] for spec in SHARE_INPUTS}


def _shared_utilisation(
    solo: Prefill, organisations: int, spec: InputSpec, factors: FactorSet
) -> Prefill:
    """N organisations' use on one machine, capped at what a shared machine reaches."""
    ceiling = factors.value("shared_utilisation_ceiling")
    likely = round(min(ceiling, organisations * solo.likely), 4)
    low, high = _spread(likely, spec, factors)
    return Prefill(low, likely, high, "factor", factors=("shared_utilisation_ceiling",))


def _kwh_per_hour(powers: Sequence[float], spec: InputSpec, factors: FactorSet) -> Prefill:
    """Rated power × the load factor: the process's median power, else the default's."""
    load = factors.value("load_factor")
    if len(powers) >= min_contributors():
        likely = significant(float(np.median(powers)) * load)
        low, high = _spread(likely, spec, factors)
        return Prefill(low, likely, high, "inventory", len(powers), ("load_factor",))
    likely = round(float(retrofit_defaults()["default_power_kw"]) * load, 2)
    low, high = _spread(likely, spec, factors)
    return Prefill(low, likely, high, "factor", factors=("load_factor",))


# --- retrofit ------------------------------------------------------------------------------


def pickable_machines(user: Any, query: str = "") -> list[Machine]:
    """The person's organisations' machines, or those a search finds among the visible ones."""
    visible = visible_machines(user).select_related("organisation")
    folded = fold(query)[:100]
    if folded:
        found = visible.filter(search_text__contains=folded)
    else:
        found = visible.filter(
            organisation__memberships__user=user, organisation__memberships__state="active"
        )
    return list(found.order_by("name", "pk")[:MACHINES_SHOWN])


def _public_start(power_kw: float | None, factors: FactorSet) -> dict[str, float]:
    """The retrofit page's defaults with only a machine's public data, its power."""
    base = retrofit_defaults()
    hours = float(base["hours_per_year"])
    kwh = float(power_kw or base["default_power_kw"]) * hours * base["load_factor"]
    parts = [profile.Composition(p["material"], p["mass_kg"]) for p in base["retrofit_parts"]]
    return {
        "new_price": float(base["new_price"]),
        "new_life_years": float(base["new_life_years"]),
        "retrofit_price": float(base["retrofit_price"]),
        "retrofit_life_years": float(base["retrofit_life_years"]),
        "new_embodied_kgco2e": default_embodied_kgco2e(factors),
        "retrofit_embodied_kgco2e": profile.embodied_kgco2e(parts, factors),
        "new_kwh_per_year": round(kwh * (1 - base["new_energy_saving"])),
        "retrofit_kwh_per_year": round(kwh),
    }


RECORDED = (
    "new_price",
    "new_life_years",
    "retrofit_price",
    "retrofit_life_years",
    "new_embodied_kgco2e",
    "retrofit_embodied_kgco2e",
    "new_kwh_per_year",
    "retrofit_kwh_per_year",
)


def _machine_start(
    user: Any, machine: Machine, factors: FactorSet
) -> tuple[dict[str, float], bool]:
    """One machine's starting values (euros, fractions) and whether its records were read."""
    own_records = can_read_maintenance(user, machine.organisation)
    if own_records:
        initial = machine_prefill(machine).initial
        start = {name: float(initial[name]) for name in RECORDED}
    else:
        start = _public_start(machine.power_kw, factors)
    # Its price is private to its organisation: only a member sees it used.
    if permissions.membership_of(user, machine.organisation) is not None:
        economics = MachineEconomics.objects.filter(machine=machine).first()
        if economics is not None and economics.price_cents:
            start["new_price"] = economics.price_cents / 100
        if economics is not None and economics.life_years:
            start["new_life_years"] = float(economics.life_years)
    return start, own_records


RETROFIT_FIXED = {"discount_rate", "horizon_years"}
RETROFIT_FACTORS = {
    "discount_rate": "discount_rate",
    "grid_kgco2e_per_kwh": "grid_kgco2e_per_kwh",
    "electricity_eur_per_kwh": "electricity_eur_per_kwh",
}


def retrofit_prefill(
    user: Any, machines: Iterable[Machine], factors: FactorSet
) -> dict[str, Prefill]:
    """Every input of the retrofit scenario, per machine: the mean of the chosen machines'."""
    specs = {spec.name: spec for spec in RETROFIT_INPUTS}
    starts = [_machine_start(user, machine, factors) for machine in machines]
    if not starts:
        starts = [(_public_start(None, factors), False)]
    found: dict[str, Prefill] = {}
    records = any(read for _start, read in starts)
    for name in RECORDED:
        likely = round(sum(start[name] for start, _read in starts) / len(starts), 2)
        low, high = _spread(likely, specs[name], factors)
        found[name] = Prefill(low, likely, high, "records" if records else "public")
    for name, key in RETROFIT_FACTORS.items():
        found[name] = _from_factor(specs[name], factors, key, spread=name not in RETROFIT_FIXED)
    horizon = float(retrofit_defaults()["horizon_years"])
    found["horizon_years"] = Prefill(horizon, horizon, horizon, "public")
    return {spec.name: found[spec.name] for spec in RETROFIT_INPUTS}

"""Impact API: the scenario simulator (share one machine; retrofit instead of buying).

Each input is a distribution, `{"shape": "triangular", "low": …, "likely": …, "high": …}`,
`uniform` (low, high) or `fixed` (likely). An omitted input takes the value the page would
pre-fill: the inventory's aggregate of enough organisations for the process (share) or the
chosen machines' records the caller may read (retrofit), else the factor table. A refused
input answers 422 naming it.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.equipment.models import Process
from maillage.equipment.queries import visible_machines
from maillage.impact.api.network import FactorOut
from maillage.impact.factors import FactorSet
from maillage.impact.queries import scenarios as queries
from maillage.impact.queries.factors import current_factors
from maillage.impact.simulation import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    MAX_MACHINES,
    MAX_ORGANISATIONS,
    RETROFIT_INPUTS,
    SHARE_INPUTS,
    Distribution,
    InputError,
    InputSpec,
    SimulationResult,
    simulate_retrofit,
    simulate_share,
)

router = Router(tags=["impact"])

MAX_API_DRAWS = 100_000
SHARE_METHOD = (
    "Fixed cost a year = (P − S)·CRF(i, n) + S·i + fixed share × P + other fixed costs, "
    "CRF = i(1+i)^n/((1+i)^n − 1). Cost of a productive hour = fixed cost / (H·u) + variable "
    "(+ coordination when shared). Carbon of an hour = embodied / (n·H·u) + kWh/h × grid factor. "
    "Avoided: (N − 1) machines. Saving a year = (solo − shared cost) × H·u_shared; payback = "
    "set-up cost / saving. Independent triangular or uniform draws, nearest-rank percentiles."
)
RETROFIT_METHOD = (
    "Per machine, times the number of machines: cost a year = price × CRF(i, n); carbon = "
    "embodied + kWh a year × horizon × grid factor. Carbon break-even of buying new = extra "
    "embodied / (kWh saved × grid); payback = extra price / (kWh saved × price of electricity). "
    "Independent triangular or uniform draws, nearest-rank percentiles."
)


class DistributionIn(Schema):
    shape: Literal["fixed", "uniform", "triangular"] = Field(
        "triangular", description="fixed uses `likely`; uniform `low` and `high`"
    )
    low: float | None = None
    likely: float | None = None
    high: float | None = None


def _distribution(name: str, given: DistributionIn) -> Distribution:
    if given.shape == "fixed":
        if given.likely is None:
            raise InputError(name, "a fixed value needs `likely`")
        return Distribution.fixed(given.likely)
    if given.low is None or given.high is None:
        raise InputError(name, f"a {given.shape} range needs `low` and `high`")
    if given.shape == "uniform":
        return Distribution.uniform(given.low, given.high)
    if given.likely is None:
        raise InputError(name, "a triangular range needs `likely`")
    return Distribution.triangular(given.low, given.likely, given.high)


class ShareIn(Schema):
    organisations: int = Field(
        ..., ge=2, le=MAX_ORGANISATIONS, description="Organisations sharing one machine"
    )
    process: str | None = Field(
        None, max_length=30, description="Process code: pre-fills the omitted inputs"
    )
    draws: int = Field(DEFAULT_DRAWS, ge=1, le=MAX_API_DRAWS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**63 - 1)
    price: DistributionIn | None = Field(None, description="€")
    residual_share: DistributionIn | None = Field(None, description="Fraction of the price")
    discount_rate: DistributionIn | None = Field(None, description="0.05 for 5 %")
    life_years: DistributionIn | None = None
    fixed_share_of_price: DistributionIn | None = Field(None, description="Fraction a year")
    fixed_costs_per_year: DistributionIn | None = Field(None, description="€ a year")
    hours_available: DistributionIn | None = Field(None, description="Hours open a year")
    utilisation_solo: DistributionIn | None = Field(None, description="Fraction, 0 to 1")
    utilisation_shared: DistributionIn | None = Field(None, description="Fraction, 0 to 1")
    variable_per_hour: DistributionIn | None = Field(None, description="€ per productive hour")
    coordination_per_hour: DistributionIn | None = Field(None, description="€ per shared hour")
    coordination_setup: DistributionIn | None = Field(None, description="€, once")
    embodied_kgco2e: DistributionIn | None = None
    kwh_per_hour: DistributionIn | None = Field(None, description="kWh per productive hour")
    grid_kgco2e_per_kwh: DistributionIn | None = None


class RetrofitIn(Schema):
    machines: int | None = Field(
        None, ge=1, le=MAX_MACHINES, description="How many machines; or give `machine_ids`"
    )
    machine_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, max_length=50, description="Machines that pre-fill the inputs"
    )
    draws: int = Field(DEFAULT_DRAWS, ge=1, le=MAX_API_DRAWS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**63 - 1)
    new_price: DistributionIn | None = Field(None, description="€ per machine")
    new_life_years: DistributionIn | None = None
    retrofit_price: DistributionIn | None = Field(None, description="€ per machine")
    retrofit_life_years: DistributionIn | None = None
    discount_rate: DistributionIn | None = Field(None, description="0.05 for 5 %")
    new_embodied_kgco2e: DistributionIn | None = None
    retrofit_embodied_kgco2e: DistributionIn | None = None
    new_kwh_per_year: DistributionIn | None = None
    retrofit_kwh_per_year: DistributionIn | None = None
    grid_kgco2e_per_kwh: DistributionIn | None = None
    electricity_eur_per_kwh: DistributionIn | None = None
    horizon_years: DistributionIn | None = None


class HistogramOut(Schema):
    edges: list[float]
    counts: list[int]


class OutputOut(Schema):
    unit: str
    p10: float | None = Field(None, description="None: never (a payback that never comes)")
    p50: float | None = None
    p90: float | None = None
    mean: float | None = Field(None, description="None when some draws never pay back")
    never: float = Field(..., description="Share of draws that never pay back")
    histogram: HistogramOut


class InputOut(Schema):
    shape: str
    low: float
    likely: float
    high: float
    unit: str
    given: bool = Field(..., description="False: pre-filled (see `origin`)")
    origin: str


class ScenarioOut(Schema):
    kind: str
    draws: int
    seed: int
    count: int = Field(..., description="Organisations sharing, or machines retrofitted")
    outputs: dict[str, OutputOut]
    probabilities: dict[str, float]
    inputs: dict[str, InputOut]
    factors: list[FactorOut]
    method: str


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _inputs(
    specs: tuple[InputSpec, ...], payload: Schema, prefill: dict[str, queries.Prefill]
) -> tuple[dict[str, Distribution], set[str]]:
    chosen: dict[str, Distribution] = {}
    given = set()
    for spec in specs:
        value = getattr(payload, spec.name)
        if value is not None:
            chosen[spec.name] = _distribution(spec.name, value)
            given.add(spec.name)
        else:
            start = prefill[spec.name]
            same = start.low == start.likely == start.high
            chosen[spec.name] = (
                Distribution.fixed(start.likely)
                if same
                else Distribution.triangular(start.low, start.likely, start.high)
            )
    return chosen, given


def _answer(
    result: SimulationResult,
    given: set[str],
    prefill: dict[str, queries.Prefill],
    factors: FactorSet,
    method: str,
) -> dict[str, Any]:
    specs = {spec.name: spec for spec in (*SHARE_INPUTS, *RETROFIT_INPUTS)}
    return {
        "kind": result.kind,
        "draws": result.draws,
        "seed": result.seed,
        "count": result.count,
        "outputs": {
            name: {
                "unit": s.unit,
                "p10": _finite(s.p10),
                "p50": _finite(s.p50),
                "p90": _finite(s.p90),
                "mean": s.mean,
                "never": s.never,
                "histogram": {"edges": list(s.histogram.edges), "counts": list(s.histogram.counts)},
            }
            for name, s in result.outputs.items()
        },
        "probabilities": dict(result.probabilities),
        "inputs": {
            name: {
                "shape": d.shape,
                "low": d.low,
                "likely": d.mode,
                "high": d.high,
                "unit": specs[name].unit,
                "given": name in given,
                "origin": "given" if name in given else prefill[name].origin,
            }
            for name, d in result.inputs.items()
        },
        "factors": [
            {
                "key": f.key,
                "value": f.value,
                "unit": f.unit,
                "version": f.version,
                "status": f.status,
                "source": f.source,
                "year": f.year,
            }
            for f in sorted(factors.used.values(), key=lambda f: f.key)
        ],
        "method": method,
    }


def _refused(exc: InputError) -> ValidationError:
    return ValidationError({exc.name: exc.reason})


@router.post(
    "/impact/scenarios/share",
    response=ScenarioOut,
    auth=WRITE_AUTH,
    summary="Simulate organisations sharing one machine instead of owning one each",
)
def share(request: HttpRequest, payload: ShareIn) -> Any:
    factors = current_factors()
    process = None
    if payload.process:
        process = Process.objects.filter(code=payload.process).first()
        if process is None:
            raise ValidationError({"process": f"unknown process: {payload.process}"})
    try:
        prefill = queries.share_prefill(process, payload.organisations, factors)
        inputs, given = _inputs(SHARE_INPUTS, payload, prefill)
        result = simulate_share(
            inputs, organisations=payload.organisations, draws=payload.draws, seed=payload.seed
        )
    except InputError as exc:
        raise _refused(exc) from None
    return _answer(result, given, prefill, factors, SHARE_METHOD)


@router.post(
    "/impact/scenarios/retrofit",
    response=ScenarioOut,
    auth=WRITE_AUTH,
    summary="Simulate retrofitting machines instead of buying new ones",
)
def retrofit(request: HttpRequest, payload: RetrofitIn) -> Any:
    factors = current_factors()
    user = request_user(request)
    wanted = list(dict.fromkeys(payload.machine_ids))
    machines = list(
        visible_machines(user).filter(pk__in=wanted).select_related("organisation").order_by("pk")
    )
    if len(machines) != len(wanted):
        missing = sorted(set(wanted) - {m.pk for m in machines})
        raise ValidationError({"machine_ids": f"unknown or not visible machines: {missing}"})
    count = payload.machines if payload.machines is not None else len(machines)
    try:
        if count == 0:
            raise InputError("machines", "give `machines` (a count) or `machine_ids`")
        prefill = queries.retrofit_prefill(user, machines, factors)
        inputs, given = _inputs(RETROFIT_INPUTS, payload, prefill)
        result = simulate_retrofit(inputs, machines=count, draws=payload.draws, seed=payload.seed)
    except InputError as exc:
        raise _refused(exc) from None
    return _answer(result, given, prefill, factors, RETROFIT_METHOD)

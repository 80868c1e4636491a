"""Scenario simulator: Monte Carlo over the uncertain inputs of a decision (plain Python, numpy).

Two decisions a network's funder is asked to take:

- **share**: N organisations that would each own a machine (or own one each) share ONE machine.
  Cost per productive hour alone and shared, with the annuity formula of `impact.sharing`
  (VDI 2067 / DIN 32992 machine-hour rate: C_fix = (P − S)·CRF(i, n) + S·i + fixed costs, spread
  over H·u hours, plus variable and coordination costs), carbon per productive hour (embodied
  carbon over the life's productive hours plus electricity × grid factor), the purchases and the
  embodied carbon avoided (the N − 1 machines not bought: the counterfactual of the impact
  method), and the payback of setting the sharing up.
- **retrofit**: retrofit K machines instead of buying K new ones. Cost per year and carbon over a
  horizon with the formulas of `maintenance.retrofit.compare_retrofit_replace` (price × CRF;
  embodied + kWh × horizon × grid factor), the carbon break-even of buying new
  (`maintenance.retrofit.breakeven_years`) and the money payback of buying new from its
  electricity savings.

Uncertainty: each input is a distribution, fixed, uniform (low, high) or triangular (low, most
likely, high) — the three-point estimate of PERT / Vose, *Risk Analysis: A Quantitative Guide*
(3rd ed., Wiley 2008, ch. 9), the usual choice when an expert gives a range and a most likely
value. Draws are independent (no correlation between inputs), by inverse transform of one uniform
stream per input, each stream spawned from the seed in the inputs' fixed order (numpy's
`SeedSequence.spawn`): a seed gives the same draws on every machine, and changing one input's
range leaves the others' draws unchanged (common random numbers, so two scenarios differ by their
inputs, not by chance). Percentiles are nearest-rank (`inverted_cdf`): P10 is a draw that 10 % of
the draws do not exceed. A payback that never comes is +inf; its share of the draws is `never`.

The arrays here are the array form of the scalar formulas of `impact.sharing` and
`maintenance.retrofit`; the tests check that both agree to 1e-9 draw by draw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from maillage.impact.sharing import MAX_HOURS_PER_YEAR
from maillage.maintenance.retrofit import MAX_AMOUNT, MAX_RATE, MAX_YEARS

Array = NDArray[np.float64]

SHAPES = ("fixed", "uniform", "triangular")
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 2026
MAX_DRAWS = 1_000_000
DEFAULT_BINS = 24
MAX_ORGANISATIONS = 1_000
MAX_MACHINES = 10_000
# Beyond this a grid factor is a typing slip: the most carbon-intensive grids are ≈ 1 kgCO2e/kWh.
MAX_GRID = 2.0
# The histograms' range: draws beyond these percentiles fall in the first and last bars.
HISTOGRAM_TAILS = (0.5, 99.5)


class InputError(ValueError):
    """A refused input: `name` is the input (or option) it concerns, also first in the message."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Domain:
    """Where an input's values may lie: [low, high], low excluded when `low_open`."""

    low: float
    high: float
    low_open: bool = False

    def check(self, name: str, value: float, which: str) -> None:
        if not math.isfinite(value):
            raise InputError(name, f"the {which} value must be a finite number: {value}")
        if value < self.low or (self.low_open and value == self.low):
            bound = "more than" if self.low_open else "at least"
            raise InputError(name, f"the {which} value must be {bound} {self.low:g}: {value:g}")
        if value > self.high:
            raise InputError(name, f"the {which} value must be at most {self.high:g}: {value:g}")


@dataclass(frozen=True, slots=True)
class InputSpec:
    name: str
    unit: str
    domain: Domain


@dataclass(frozen=True, slots=True)
class Distribution:
    """An uncertain input: `fixed` (low = mode = high), `uniform` or `triangular`."""

    shape: str
    low: float
    mode: float
    high: float

    @classmethod
    def fixed(cls, value: float) -> Distribution:
        return cls("fixed", value, value, value)

    @classmethod
    def uniform(cls, low: float, high: float) -> Distribution:
        return cls("uniform", low, (low + high) / 2, high)

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Distribution:
        return cls("triangular", low, mode, high)

    def check(self, spec: InputSpec) -> None:
        """Refuse an unknown shape, an unordered range or a value outside the input's domain."""
        name = spec.name
        if self.shape not in SHAPES:
            raise InputError(name, f"unknown shape {self.shape!r}, expected one of {SHAPES}")
        for which, value in (("low", self.low), ("likely", self.mode), ("high", self.high)):
            spec.domain.check(name, value, which)
        if self.shape == "fixed" and not self.low == self.mode == self.high:
            raise InputError(name, "a fixed value has low = likely = high")
        if self.low > self.high:
            raise InputError(
                name, f"the low value ({self.low:g}) is above the high ({self.high:g})"
            )
        if self.shape == "triangular" and not self.low <= self.mode <= self.high:
            raise InputError(
                name,
                f"the likely value ({self.mode:g}) must lie between the low ({self.low:g}) "
                f"and the high ({self.high:g})",
            )

    def quantile(self, u: Array) -> Array:
        """The inverse cumulative distribution at `u` (uniform draws in [0, 1))."""
        low, mode, high = self.low, self.mode, self.high
        if self.shape == "fixed" or low == high:
            return np.full(u.shape, low, dtype=np.float64)
        if self.shape == "uniform":
            return low + (high - low) * u
        # Triangular: F(c) = (c − a)/(b − a) splits the two branches of the inverse.
        width = high - low
        split = (mode - low) / width
        rising = low + np.sqrt(u * width * (mode - low))
        falling = high - np.sqrt((1 - u) * width * (high - mode))
        return np.where(u < split, rising, falling)


def _spec(name: str, unit: str, low: float, high: float, *, low_open: bool = False) -> InputSpec:
    return InputSpec(name, unit, Domain(low, high, low_open))


SHARE_INPUTS: tuple[InputSpec, ...] = (
    _spec("price", "EUR", 0, MAX_AMOUNT),
    _spec("residual_share", "fraction of price", 0, 1),
    _spec("discount_rate", "fraction a year", 0, MAX_RATE),
    _spec("life_years", "years", 0, MAX_YEARS, low_open=True),
    _spec("fixed_share_of_price", "fraction of price a year", 0, 1),
    _spec("fixed_costs_per_year", "EUR/year", 0, MAX_AMOUNT),
    _spec("hours_available", "h/year", 0, MAX_HOURS_PER_YEAR, low_open=True),
    _spec("utilisation_solo", "fraction", 0, 1, low_open=True),
    _spec("utilisation_shared", "fraction", 0, 1, low_open=True),
    _spec("variable_per_hour", "EUR/h", 0, MAX_AMOUNT),
    _spec("coordination_per_hour", "EUR/h", 0, MAX_AMOUNT),
    _spec("coordination_setup", "EUR", 0, MAX_AMOUNT),
    _spec("embodied_kgco2e", "kgCO2e", 0, MAX_AMOUNT),
    _spec("kwh_per_hour", "kWh/h", 0, MAX_AMOUNT),
    _spec("grid_kgco2e_per_kwh", "kgCO2e/kWh", 0, MAX_GRID),
)

RETROFIT_INPUTS: tuple[InputSpec, ...] = (
    _spec("new_price", "EUR", 0, MAX_AMOUNT),
    _spec("new_life_years", "years", 0, MAX_YEARS, low_open=True),
    _spec("retrofit_price", "EUR", 0, MAX_AMOUNT),
    _spec("retrofit_life_years", "years", 0, MAX_YEARS, low_open=True),
    _spec("discount_rate", "fraction a year", 0, MAX_RATE),
    _spec("new_embodied_kgco2e", "kgCO2e", 0, MAX_AMOUNT),
    _spec("retrofit_embodied_kgco2e", "kgCO2e", 0, MAX_AMOUNT),
    _spec("new_kwh_per_year", "kWh/year", 0, MAX_AMOUNT),
    _spec("retrofit_kwh_per_year", "kWh/year", 0, MAX_AMOUNT),
    _spec("grid_kgco2e_per_kwh", "kgCO2e/kWh", 0, MAX_GRID),
    _spec("electricity_eur_per_kwh", "EUR/kWh", 0, MAX_AMOUNT),
    _spec("horizon_years", "years", 0, MAX_YEARS, low_open=True),
)

# Each output's unit, in the order they are shown; pairs share their histogram's bins.
SHARE_OUTPUTS: dict[str, str] = {
    "cost_solo": "EUR/h",
    "cost_shared": "EUR/h",
    "utilisation_solo": "fraction",
    "utilisation_shared": "fraction",
    "capex_avoided": "EUR",
    "embodied_avoided_kgco2e": "kgCO2e",
    "carbon_solo": "kgCO2e/h",
    "carbon_shared": "kgCO2e/h",
    "saving_per_year": "EUR/year",
    "payback_years": "years",
}
SHARE_PAIRS = (
    ("cost_solo", "cost_shared"),
    ("utilisation_solo", "utilisation_shared"),
    ("carbon_solo", "carbon_shared"),
)
RETROFIT_OUTPUTS: dict[str, str] = {
    "replace_cost_per_year": "EUR/year",
    "retrofit_cost_per_year": "EUR/year",
    "cost_saving_per_year": "EUR/year",
    "replace_kgco2e": "kgCO2e",
    "retrofit_kgco2e": "kgCO2e",
    "carbon_saving_kgco2e": "kgCO2e",
    "carbon_breakeven_years": "years",
    "payback_years": "years",
}
RETROFIT_PAIRS = (
    ("replace_cost_per_year", "retrofit_cost_per_year"),
    ("replace_kgco2e", "retrofit_kgco2e"),
)


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts of draws in bins: `edges` has one more value than `counts`."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """P10, P50, P90 of an output (+inf when that share of draws never pays back)."""

    unit: str
    p10: float
    p50: float
    p90: float
    mean: float | None  # None when some draws are infinite
    never: float  # share of infinite draws (a payback that never comes)
    histogram: Histogram


@dataclass(frozen=True)
class SimulationResult:
    kind: str
    draws: int
    seed: int
    count: int  # organisations sharing (share) or machines retrofitted (retrofit)
    inputs: Mapping[str, Distribution]
    outputs: Mapping[str, Summary]
    probabilities: Mapping[str, float]
    samples: Mapping[str, Array]


# --- the formulas, in array form -----------------------------------------------------------


def capital_recovery(rate: Array, life_years: Array) -> Array:
    """CRF(i, n) = i(1+i)^n / ((1+i)^n − 1), 1/n where i = 0 (maintenance.retrofit)."""
    growth = (1 + rate) ** life_years
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = rate * growth / (growth - 1)
    # A rate so small that (1+i)^n rounds to 1 is a zero rate.
    return np.where((rate == 0) | (growth <= 1), 1 / life_years, crf)


def payback(investment: Array, saving_per_year: Array) -> Array:
    """Years of savings that repay an investment: 0 with nothing to repay, +inf with no saving.

    The array form of `impact.sharing.payback_years` and `maintenance.retrofit.breakeven_years`
    (their None is +inf here).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        years = investment / saving_per_year
    years = np.where(saving_per_year > 0, years, np.inf)
    return np.where(investment <= 0, 0.0, years)


def share_outputs(values: Mapping[str, Array], organisations: int) -> dict[str, Array]:
    """Every output of the share scenario, draw by draw (module docstring)."""
    price = values["price"]
    rate = values["discount_rate"]
    life = values["life_years"]
    residual = values["residual_share"] * price
    # impact.sharing.fixed_cost_per_year: (P − S)·CRF + S·i + fixed costs.
    fixed = (
        (price - residual) * capital_recovery(rate, life)
        + residual * rate
        + values["fixed_share_of_price"] * price
        + values["fixed_costs_per_year"]
    )
    hours_solo = values["hours_available"] * values["utilisation_solo"]
    hours_shared = values["hours_available"] * values["utilisation_shared"]
    variable = values["variable_per_hour"]
    cost_solo = fixed / hours_solo + variable
    cost_shared = fixed / hours_shared + variable + values["coordination_per_hour"]
    use = values["kwh_per_hour"] * values["grid_kgco2e_per_kwh"]
    embodied = values["embodied_kgco2e"]
    saving_per_year = (cost_solo - cost_shared) * hours_shared
    avoided = organisations - 1
    return {
        "cost_solo": cost_solo,
        "cost_shared": cost_shared,
        "utilisation_solo": values["utilisation_solo"],
        "utilisation_shared": values["utilisation_shared"],
        "capex_avoided": avoided * price,
        "embodied_avoided_kgco2e": avoided * embodied,
        "carbon_solo": embodied / (life * hours_solo) + use,
        "carbon_shared": embodied / (life * hours_shared) + use,
        "saving_per_year": saving_per_year,
        "payback_years": payback(values["coordination_setup"], saving_per_year),
    }


def retrofit_outputs(values: Mapping[str, Array], machines: int) -> dict[str, Array]:
    """Every output of the retrofit scenario for `machines` machines, draw by draw."""
    rate = values["discount_rate"]
    new_price = values["new_price"]
    retrofit_price = values["retrofit_price"]
    replace_cost = machines * new_price * capital_recovery(rate, values["new_life_years"])
    retrofit_cost = (
        machines * retrofit_price * capital_recovery(rate, values["retrofit_life_years"])
    )
    grid = values["grid_kgco2e_per_kwh"]
    horizon = values["horizon_years"]
    new_kwh = values["new_kwh_per_year"]
    old_kwh = values["retrofit_kwh_per_year"]
    new_embodied = values["new_embodied_kgco2e"]
    old_embodied = values["retrofit_embodied_kgco2e"]
    replace_kg = machines * (new_embodied + new_kwh * horizon * grid)
    retrofit_kg = machines * (old_embodied + old_kwh * horizon * grid)
    saved_kwh = old_kwh - new_kwh
    return {
        "replace_cost_per_year": replace_cost,
        "retrofit_cost_per_year": retrofit_cost,
        "cost_saving_per_year": replace_cost - retrofit_cost,
        "replace_kgco2e": replace_kg,
        "retrofit_kgco2e": retrofit_kg,
        "carbon_saving_kgco2e": replace_kg - retrofit_kg,
        "carbon_breakeven_years": payback(new_embodied - old_embodied, saved_kwh * grid),
        "payback_years": payback(
            new_price - retrofit_price, saved_kwh * values["electricity_eur_per_kwh"]
        ),
    }


# --- drawing and summarising ---------------------------------------------------------------


def _check_count(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(name, f"must be a whole number from {low:,} to {high:,}: {value}")
    return value


def check_inputs(
    specs: Sequence[InputSpec], inputs: Mapping[str, Distribution]
) -> dict[str, Distribution]:
    """The inputs in the specs' order, each checked; a missing or unknown one is refused."""
    known = {spec.name for spec in specs}
    for name in inputs:
        if name not in known:
            raise InputError(name, "is not an input of this scenario")
    checked = {}
    for spec in specs:
        distribution = inputs.get(spec.name)
        if distribution is None:
            raise InputError(spec.name, "is missing")
        distribution.check(spec)
        checked[spec.name] = distribution
    return checked


def draw(inputs: Mapping[str, Distribution], draws: int, seed: int) -> dict[str, Array]:
    """`draws` values of each input, one uniform stream per input spawned from the seed."""
    streams = np.random.SeedSequence(seed).spawn(len(inputs))
    return {
        name: distribution.quantile(np.random.default_rng(stream).random(draws))
        for (name, distribution), stream in zip(inputs.items(), streams, strict=True)
    }


def _edges(values: Sequence[Array], bins: int) -> Array:
    finite = np.concatenate([v[np.isfinite(v)] for v in values])
    if finite.size == 0:
        return np.linspace(0.0, 1.0, bins + 1)
    low, high = np.percentile(finite, HISTOGRAM_TAILS, method="inverted_cdf")
    if not high > low:
        pad = max(abs(float(low)) * 0.01, 0.5)
        low, high = low - pad, high + pad
    return np.linspace(float(low), float(high), bins + 1)


def summarise(values: Array, unit: str, edges: Array) -> Summary:
    """P10/P50/P90 (nearest rank), the mean, the share of infinite draws, the histogram."""
    p10, p50, p90 = (float(v) for v in np.percentile(values, (10, 50, 90), method="inverted_cdf"))
    finite = values[np.isfinite(values)]
    clipped = np.clip(finite, edges[0], edges[-1])
    counts, _ = np.histogram(clipped, bins=edges)
    never = 1 - finite.size / values.size
    return Summary(
        unit=unit,
        p10=p10,
        p50=p50,
        p90=p90,
        mean=float(finite.mean()) if never == 0 else None,
        never=float(never),
        histogram=Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts.tolist())),
    )


def _summaries(
    samples: Mapping[str, Array],
    units: Mapping[str, str],
    pairs: Sequence[tuple[str, str]],
    bins: int,
) -> dict[str, Summary]:
    group_of = {name: pair for pair in pairs for name in pair}
    summaries = {}
    for name, unit in units.items():
        group = group_of.get(name, (name,))
        edges = _edges([samples[member] for member in group], bins)
        summaries[name] = summarise(samples[name], unit, edges)
    return summaries


def _run_options(draws: int, seed: int, bins: int) -> None:
    _check_count("draws", draws, 1, MAX_DRAWS)
    _check_count("seed", seed, 0, 2**63 - 1)
    _check_count("bins", bins, 1, 200)


def simulate_share(
    inputs: Mapping[str, Distribution],
    *,
    organisations: int,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    bins: int = DEFAULT_BINS,
) -> SimulationResult:
    """N organisations share one machine instead of owning one each (module docstring).

    Sources: the machine-hour cost of `impact.sharing.cost_per_hour` (annuity method, VDI 2067 /
    DIN 32992), its carbon per hour `impact.sharing.carbon_per_hour`, the avoided purchases of
    the impact method (one machine not bought per organisation beyond the first), three-point
    estimates (Vose 2008). With every input fixed at the method's example (P €150,000, S 10 %,
    5 %, 15 years, 3 % + €2,000 fixed, 1,760 h, €6.50/h, solo 30 %, shared 70 % with €3/h) the
    median is €44.86/h alone and €25.94/h shared; 24 tCO2e gives 3.03 and 1.30 kgCO2e/h.
    """
    _check_count("organisations", organisations, 2, MAX_ORGANISATIONS)
    _run_options(draws, seed, bins)
    checked = check_inputs(SHARE_INPUTS, inputs)
    samples = share_outputs(draw(checked, draws, seed), organisations)
    return SimulationResult(
        kind="share",
        draws=draws,
        seed=seed,
        count=organisations,
        inputs=checked,
        outputs=_summaries(samples, SHARE_OUTPUTS, SHARE_PAIRS, bins),
        probabilities={
            "shared_cheaper": float(np.mean(samples["cost_shared"] < samples["cost_solo"])),
            "shared_lower_carbon": float(
                np.mean(samples["carbon_shared"] < samples["carbon_solo"])
            ),
        },
        samples=samples,
    )


def simulate_retrofit(
    inputs: Mapping[str, Distribution],
    *,
    machines: int,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    bins: int = DEFAULT_BINS,
) -> SimulationResult:
    """Retrofit K machines instead of buying K new ones, inputs per machine (module docstring).

    Sources: `maintenance.retrofit.compare_retrofit_replace` (cost per year = price × CRF(i, n);
    carbon = embodied + kWh a year × horizon × grid factor; ICE v2.0 and worldsteel embodied
    factors, ADEME grid factor), its `breakeven_years` for the carbon break-even of buying new,
    and a simple payback of the new machine's extra price by its electricity savings at a price
    per kWh (Eurostat non-household electricity prices); three-point estimates (Vose 2008).
    """
    _check_count("machines", machines, 1, MAX_MACHINES)
    _run_options(draws, seed, bins)
    checked = check_inputs(RETROFIT_INPUTS, inputs)
    samples = retrofit_outputs(draw(checked, draws, seed), machines)
    return SimulationResult(
        kind="retrofit",
        draws=draws,
        seed=seed,
        count=machines,
        inputs=checked,
        outputs=_summaries(samples, RETROFIT_OUTPUTS, RETROFIT_PAIRS, bins),
        probabilities={
            "retrofit_cheaper": float(
                np.mean(samples["retrofit_cost_per_year"] < samples["replace_cost_per_year"])
            ),
            "retrofit_lower_carbon": float(
                np.mean(samples["retrofit_kgco2e"] < samples["replace_kgco2e"])
            ),
        },
        samples=samples,
    )

"""Waste heat pre-feasibility: one source, one or more sinks, the line between them.

Plain Python, no Django. Every factor is a named constant with its source (see
docs/symbiosis/heat.md); the pipe table is data (`data/heat_pipe_losses.csv`). Energies are in
MWh per year, powers in kW, temperatures in °C, lengths in metres.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "ADEME_DENSITY_THRESHOLD",
    "APPROACH_K",
    "DIRECT",
    "HEAT_PUMP",
    "INFEASIBLE",
    "End",
    "Pipe",
    "Prefeasibility",
    "TemperatureCheck",
    "annual_energy_mwh",
    "choose_dn",
    "heat_pump_cop",
    "monthly_energy_mwh",
    "pipe_table",
    "power_from_flow_kw",
    "prefeasibility",
    "route_length_m",
    "temperature_check",
]

PIPES_CSV = Path(__file__).resolve().parent / "data" / "heat_pipe_losses.csv"

# Specific heat capacity, kJ/(kg·K), of each medium near its usual temperature (engineering
# tables, e.g. VDI Heat Atlas). Steam: superheated steam's cp; condensing steam gives its latent
# heat, which this rule does not count.
SPECIFIC_HEAT = {"water": 4.19, "steam": 2.0, "air": 1.006, "flue_gas": 1.1, "oil": 2.2}
WATER_DENSITY = 980.0  # kg/m³ at about 65 °C

# Smallest temperature difference across the exchanger (ΔTmin of pinch analysis): 10 K between
# liquids, 20 K with air, 30 K with flue gas (I. C. Kemp, "Pinch Analysis and Process
# Integration", 2nd ed., 2007, typical ΔTmin values; plate exchangers reach 5 K at high cost).
APPROACH_K = {"water": 10.0, "steam": 10.0, "oil": 10.0, "air": 20.0, "flue_gas": 30.0}
DEFAULT_APPROACH_K = 10.0

# Heat pump rule: COP = Carnot efficiency × T_hot / (T_hot − T_cold), temperatures in kelvin at
# the condenser and evaporator (sink supply + approach, source − approach). A Carnot efficiency
# of 0.5 is the usual figure for industrial heat pumps (IEA HPT Annex 48/58), capped at 6; a
# lift above 60 K or a supply above 90 °C is left to a specialist study.
CARNOT_EFFICIENCY = 0.5
COP_CAP = 6.0
MAX_LIFT_K = 60.0
MAX_HEAT_PUMP_SUPPLY_C = 90.0

DETOUR_FACTOR = 1.3  # a route follows roads: straight line × 1.3 unless drawn
SOIL_C = 10.0  # undisturbed soil at 0.8 m in mainland France, yearly mean
TABLE_MEAN_C = 70.0  # the mean water temperature of the loss table
LINE_HOURS = 8760.0  # a pre-insulated line stays warm all year
DEFAULT_NETWORK_DELTA_K = 30.0  # supply − return of a heat network when the sink gives none

# ADEME Fonds Chaleur: a heat network is eligible at 1.5 MWh delivered per metre of trench and
# per year (linear heat density, "densité thermique linéaire").
ADEME_DENSITY_THRESHOLD = 1.5

# Avoided emissions against gas boilers. Direct combustion emissions of natural gas, IPCC 2006
# Guidelines vol. 2 table 2.2: 56.1 t CO2/TJ (NCV) = 0.202 kg CO2/kWh PCI; the life-cycle figure
# of ADEME's Base Empreinte (upstream included) is 0.227 kg CO2e/kWh PCI and is given beside it.
GAS_DIRECT_KGCO2E_PER_KWH = 0.202
GAS_LIFE_CYCLE_KGCO2E_PER_KWH = 0.227
BOILER_EFFICIENCY = 0.92  # seasonal efficiency of a modern gas boiler room, PCI (0.90–0.95)
# French electricity, mean mix, life cycle (ADEME Base Empreinte, ~0.052 kg CO2e/kWh).
ELECTRICITY_KGCO2E_PER_KWH = 0.052
# Electricity of the circulation pumps: about 1 % of the heat carried (S. Frederiksen,
# S. Werner, "District Heating and Cooling", 2013, order of magnitude 0.5–2 %).
PUMPING_SHARE = 0.01

DIRECT = "direct"
HEAT_PUMP = "heat_pump"
INFEASIBLE = "infeasible"


def power_from_flow_kw(mass_flow_kg_s: float, delta_t_k: float, medium: str = "water") -> float:
    """Q = ṁ · cp · ΔT, in kW (kg/s × kJ/(kg·K) × K)."""
    if mass_flow_kg_s < 0 or delta_t_k < 0:
        raise ValueError("mass_flow and delta_t must be zero or more")
    return mass_flow_kg_s * SPECIFIC_HEAT.get(medium, SPECIFIC_HEAT["water"]) * delta_t_k


def monthly_energy_mwh(
    power_kw: float, hours_per_year: float, profile: Sequence[float] | None = None
) -> list[float]:
    """The year's energy (power × hours) split over twelve months: flat, or by the profile."""
    total = power_kw * hours_per_year / 1000.0
    if not profile:
        return [total / 12.0] * 12
    if len(profile) != 12 or any(share < 0 for share in profile):
        raise ValueError("a monthly profile is twelve shares, zero or more")
    weight = sum(profile)
    if weight <= 0:
        raise ValueError("a monthly profile cannot be all zero")
    return [total * share / weight for share in profile]


def annual_energy_mwh(
    power_kw: float, hours_per_year: float, profile: Sequence[float] | None = None
) -> float:
    return sum(monthly_energy_mwh(power_kw, hours_per_year, profile))


@dataclass(frozen=True)
class TemperatureCheck:
    mode: str  # direct, heat_pump or infeasible
    approach_k: float
    available_c: float  # what the exchanger can give: source − approach
    required_c: float  # the hottest sink's supply temperature
    cop: float | None = None
    lift_k: float | None = None


def heat_pump_cop(source_c: float, supply_c: float, approach_k: float) -> float:
    """The stated COP rule: 0.5 × Carnot between the evaporator and the condenser, capped."""
    t_cold = source_c - approach_k + 273.15
    t_hot = supply_c + approach_k + 273.15
    if t_hot <= t_cold:
        return COP_CAP
    return min(COP_CAP, CARNOT_EFFICIENCY * t_hot / (t_hot - t_cold))


def temperature_check(
    source_c: float, medium: str, sink_supplies_c: Sequence[float]
) -> TemperatureCheck:
    """Direct exchange when source − approach ≥ every sink's supply, else a heat pump if the lift
    and the supply temperature allow one, else infeasible."""
    approach = APPROACH_K.get(medium, DEFAULT_APPROACH_K)
    available = source_c - approach
    required = max(sink_supplies_c)
    if available >= required:
        return TemperatureCheck(DIRECT, approach, available, required)
    lift = required - available
    if lift > MAX_LIFT_K or required > MAX_HEAT_PUMP_SUPPLY_C or available < 0:
        return TemperatureCheck(INFEASIBLE, approach, available, required, lift_k=lift)
    cop = heat_pump_cop(source_c, required, approach)
    return TemperatureCheck(HEAT_PUMP, approach, available, required, cop=cop, lift_k=lift)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    radius = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(a)))


def route_length_m(
    source: tuple[float, float], sinks: Sequence[tuple[float, float]], drawn_m: float | None = None
) -> tuple[float, bool]:
    """The trench length and whether it was drawn: the drawn length, else the straight lines from
    the source to each sink (a star) × 1.3."""
    if drawn_m is not None:
        if drawn_m <= 0:
            raise ValueError("route_length must be positive")
        return drawn_m, True
    straight = sum(haversine_m(source[0], source[1], lat, lon) for lat, lon in sinks)
    return straight * DETOUR_FACTOR, False


@dataclass(frozen=True)
class Pipe:
    dn: int
    inner_mm: float
    max_velocity_m_s: float
    loss_w_per_m: float
    cost_eur_per_m: float

    @property
    def area_m2(self) -> float:
        return math.pi * (self.inner_mm / 1000.0) ** 2 / 4.0


@cache
def pipe_table() -> tuple[Pipe, ...]:
    with PIPES_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        pipes = [
            Pipe(
                dn=int(row["dn"]),
                inner_mm=float(row["inner_mm"]),
                max_velocity_m_s=float(row["max_velocity_m_s"]),
                loss_w_per_m=float(row["loss_w_per_m"]),
                cost_eur_per_m=float(row["cost_eur_per_m"]),
            )
            for row in rows
        ]
    return tuple(sorted(pipes, key=lambda pipe: pipe.dn))


def volume_flow_m3_s(power_kw: float, delta_t_k: float) -> float:
    return power_kw / (SPECIFIC_HEAT["water"] * delta_t_k) / WATER_DENSITY


def choose_dn(power_kw: float, delta_t_k: float) -> Pipe:
    """The smallest pipe whose water velocity at the peak power stays within its limit; the
    largest of the table when none does (the result then says the velocity is exceeded)."""
    flow = volume_flow_m3_s(power_kw, delta_t_k)
    for pipe in pipe_table():
        if flow / pipe.area_m2 <= pipe.max_velocity_m_s:
            return pipe
    return pipe_table()[-1]


def pipe_of(dn: int) -> Pipe:
    for pipe in pipe_table():
        if pipe.dn == dn:
            return pipe
    raise ValueError(f"pipe_dn {dn} is not in the table")


@dataclass(frozen=True)
class End:
    """A source or a sink as the calculation needs it."""

    temperature_c: float
    power_kw: float
    hours_per_year: float
    latitude: float
    longitude: float
    medium: str = "water"
    return_temperature_c: float | None = None
    monthly_profile: Sequence[float] | None = None

    def months(self) -> list[float]:
        return monthly_energy_mwh(self.power_kw, self.hours_per_year, self.monthly_profile)


@dataclass(frozen=True)
class Prefeasibility:
    temperature: TemperatureCheck
    source_mwh: float
    demand_mwh: float
    route_m: float
    route_drawn: bool
    pipe: Pipe
    pipe_chosen: bool  # chosen from the peak power, not given
    peak_kw: float
    line_supply_c: float
    line_return_c: float
    velocity_m_s: float
    loss_w_per_m: float
    losses_mwh: float
    delivered_mwh: float
    losses_share: float  # losses / heat put into the line
    heat_pump_electricity_mwh: float
    pumping_electricity_mwh: float
    density_mwh_per_m: float
    density_viable: bool
    cost_eur: float
    co2_avoided_t: float  # direct emissions of the gas burnt otherwise, minus the electricity
    co2_avoided_life_cycle_t: float
    monthly_delivered_mwh: list[float] = field(default_factory=list)

    @property
    def velocity_exceeded(self) -> bool:
        return self.velocity_m_s > self.pipe.max_velocity_m_s

    @property
    def verdict(self) -> str:
        """viable, below_threshold or infeasible."""
        if self.temperature.mode == INFEASIBLE or self.delivered_mwh <= 0:
            return "infeasible"
        return "viable" if self.density_viable else "below_threshold"

    @property
    def delivered_needed_mwh(self) -> float:
        """The heat that would reach the threshold over this route."""
        return ADEME_DENSITY_THRESHOLD * self.route_m

    @property
    def route_allowed_m(self) -> float:
        """The longest route that would reach the threshold with this heat."""
        return self.delivered_mwh / ADEME_DENSITY_THRESHOLD


def prefeasibility(
    source: End,
    sinks: Sequence[End],
    *,
    route_m: float | None = None,
    pipe_dn: int | None = None,
) -> Prefeasibility:
    """Every figure of the pre-feasibility of a source feeding its sinks, with the verdicts."""
    if not sinks:
        raise ValueError("sinks: give at least one sink")
    temp = temperature_check(
        source.temperature_c, source.medium, [sink.temperature_c for sink in sinks]
    )
    length, drawn = route_length_m(
        (source.latitude, source.longitude),
        [(sink.latitude, sink.longitude) for sink in sinks],
        route_m,
    )
    cop = temp.cop if temp.mode == HEAT_PUMP and temp.cop else None
    # A heat pump stands at the source: the line carries water at the sinks' supply temperature
    # and the source's heat is multiplied by COP/(COP − 1).
    gain = cop / (cop - 1.0) if cop is not None else 1.0
    line_supply = temp.required_c if temp.mode != INFEASIBLE else temp.available_c
    returns = [s.return_temperature_c for s in sinks if s.return_temperature_c is not None]
    line_return = max(returns) if returns else line_supply - DEFAULT_NETWORK_DELTA_K
    delta = max(line_supply - line_return, 2.0)
    line_return = line_supply - delta
    peak = min(source.power_kw * gain, sum(sink.power_kw for sink in sinks))
    pipe = pipe_of(pipe_dn) if pipe_dn is not None else choose_dn(peak, delta)
    velocity = volume_flow_m3_s(peak, delta) / pipe.area_m2
    mean = (line_supply + line_return) / 2.0
    loss_w_per_m = max(0.0, pipe.loss_w_per_m * (mean - SOIL_C) / (TABLE_MEAN_C - SOIL_C))
    losses = loss_w_per_m * length * LINE_HOURS / 1e6
    source_months = source.months()
    demand_months = [sum(values) for values in zip(*(sink.months() for sink in sinks), strict=True)]
    delivered_months = []
    for available, demand in zip(source_months, demand_months, strict=True):
        into_sink = max(0.0, available * gain - losses / 12.0)
        delivered_months.append(min(into_sink, demand) if temp.mode != INFEASIBLE else 0.0)
    delivered = sum(delivered_months)
    put_in = delivered + losses if delivered > 0 else 0.0
    heat_pump_electricity = put_in / cop if cop is not None else 0.0
    pumping = PUMPING_SHARE * delivered
    electricity = heat_pump_electricity + pumping
    share = losses / put_in if put_in > 0 else 1.0
    gas_kwh = delivered * 1000.0 / BOILER_EFFICIENCY
    electricity_t = electricity * 1000.0 * ELECTRICITY_KGCO2E_PER_KWH / 1000.0
    density = delivered / length if length > 0 else 0.0
    return Prefeasibility(
        temperature=temp,
        source_mwh=sum(source_months),
        demand_mwh=sum(demand_months),
        route_m=length,
        route_drawn=drawn,
        pipe=pipe,
        pipe_chosen=pipe_dn is None,
        peak_kw=peak,
        line_supply_c=line_supply,
        line_return_c=line_return,
        velocity_m_s=velocity,
        loss_w_per_m=loss_w_per_m,
        losses_mwh=losses,
        delivered_mwh=delivered,
        losses_share=share,
        heat_pump_electricity_mwh=heat_pump_electricity,
        pumping_electricity_mwh=pumping,
        density_mwh_per_m=density,
        density_viable=density >= ADEME_DENSITY_THRESHOLD,
        cost_eur=pipe.cost_eur_per_m * length,
        co2_avoided_t=gas_kwh * GAS_DIRECT_KGCO2E_PER_KWH / 1000.0 - electricity_t,
        co2_avoided_life_cycle_t=gas_kwh * GAS_LIFE_CYCLE_KGCO2E_PER_KWH / 1000.0 - electricity_t,
        monthly_delivered_mwh=delivered_months,
    )

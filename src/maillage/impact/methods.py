"""The method pages' registry: each indicator, the module holding its formulas, its factors.

The text of a method page (what it measures, formula, sources, assumptions and limits) lives in
`templates/impact/methods/<key>.html`; this registry says which factors each method reads, so its
page lists them live from the factor table (value, version, status) and every factor's history
page says which methods use it. It also names the factors and units for people to read.
A factor entry is a key, or a prefix ending in "." meaning that factor for every material.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.impact.factors import FactorSet, FactorValue
from maillage.maintenance.models import PartMaterial

MATERIAL = ("recycled_feedstock.", "recycled_collection.", "feedstock_efficiency.")
COST = (
    "discount_rate",
    "residual_value_share",
    "machine_life_years",
    "fixed_costs_share_of_price",
    "fixed_costs_per_year",
    "hours_available_per_year",
    "average_utilisation",
    "variable_cost_per_hour",
    "coordination_cost_per_hour",
)
CARBON = ("embodied.", "grid_kgco2e_per_kwh", "load_factor")


@dataclass(frozen=True)
class Method:
    key: str
    title: Promise
    summary: Promise
    module: str  # the plain module (or modules) holding the formulas, for the curious reader
    factors: tuple[str, ...] = ()


METHODS: dict[str, Method] = {
    method.key: method
    for method in (
        Method(
            "mci",
            _("Material Circularity Indicator"),
            _("How far a machine's materials flow in loops rather than from mine to landfill."),
            "impact/circularity.py, impact/profile.py",
            (
                *MATERIAL,
                "collection_efficiency.",
                "machine_life_years",
                "average_utilisation",
                "hours_available_per_year",
            ),
        ),
        Method(
            "repairability",
            _("Repairability score"),
            _("How easily a machine can be repaired, out of 10, from five criteria."),
            "impact/repairability.py",
        ),
        Method(
            "durability",
            _("Durability and remaining life"),
            _("Age, remaining life, years added by retrofits, and the failure trend."),
            "impact/durability.py",
            ("machine_life_years",),
        ),
        Method(
            "sharing",
            _("Use and sharing: cost and carbon per productive hour"),
            _("Utilisation, organisations served, and what an hour costs alone or shared."),
            "impact/sharing.py",
            (*COST, *CARBON),
        ),
        Method(
            "avoided",
            _("Avoided purchases and emissions"),
            _("Machines the network did not have to buy, and transport it did not need."),
            "impact/queries/network_sharing.py, impact/queries/network_needs.py",
            (
                "purchase_threshold_hours",
                "machine_price",
                "machine_embodied_kgco2e",
                "counterfactual_km",
                "road_detour_factor",
                "transport_kgco2e_per_km",
            ),
        ),
        Method(
            "cti",
            _("Circular inflow and outflow"),
            _("The share of materials coming in and going out that stays in the loop."),
            "impact/cti.py",
            ("recycled_feedstock.", "collection_efficiency."),
        ),
        Method(
            "local",
            _("Local production"),
            _("The share of the network's needs answered within the territory and nearby."),
            "impact/queries/network_needs.py",
            ("local_radius_km", "road_detour_factor"),
        ),
        Method(
            "scenarios",
            _("Scenario simulator"),
            _("What sharing or retrofitting would change, with its uncertainty (P10, P50, P90)."),
            "impact/simulation.py, impact/queries/scenarios.py",
            (
                *COST,
                *CARBON,
                "machine_price",
                "machine_embodied_kgco2e",
                "shared_utilisation_ceiling",
                "coordination_setup_cost",
                "electricity_eur_per_kwh",
                "scenario_spread_low",
                "scenario_spread_high",
            ),
        ),
    )
}

LABELS: dict[str, Promise] = {
    "discount_rate": _("Discount rate"),
    "hours_available_per_year": _("Hours available a year"),
    "machine_life_years": _("Expected life of a machine"),
    "residual_value_share": _("Residual value at the end of life"),
    "fixed_costs_share_of_price": _("Fixed costs a year, share of the price"),
    "fixed_costs_per_year": _("Fixed costs a year beyond that share"),
    "variable_cost_per_hour": _("Variable cost of a productive hour"),
    "coordination_cost_per_hour": _("Coordination cost of a shared hour"),
    "average_utilisation": _("Average utilisation (U_av)"),
    "grid_kgco2e_per_kwh": _("Carbon intensity of electricity"),
    "load_factor": _("Load factor while working"),
    "purchase_threshold_hours": _("Use a year that would justify a purchase"),
    "counterfactual_km": _("Distance to the same capability outside the territory"),
    "transport_kgco2e_per_km": _("Transport emissions per kilometre"),
    "local_radius_km": _("Radius of local production"),
    "machine_price": _("Price of a typical machine"),
    "machine_embodied_kgco2e": _("Embodied carbon of a typical machine"),
    "road_detour_factor": _("Road distance over straight-line distance"),
    "shared_utilisation_ceiling": _("Utilisation a shared machine reaches"),
    "coordination_setup_cost": _("Setting a sharing up, once"),
    "electricity_eur_per_kwh": _("Price of electricity"),
    "scenario_spread_low": _("Low end of a default range"),
    "scenario_spread_high": _("High end of a default range"),
    "embodied.manufacturing_uplift": _("Manufacturing uplift on embodied carbon"),
}
PER_MATERIAL: dict[str, Promise] = {
    "recycled_feedstock.": _("Recycled feedstock (F_R): %(material)s"),
    "recycled_collection.": _("Collected for recycling (C_R): %(material)s"),
    "feedstock_efficiency.": _("Efficiency of recycling the feedstock (E_F): %(material)s"),
    "collection_efficiency.": _("Efficiency of recycling the collected mass (E_C): %(material)s"),
    "embodied.": _("Embodied carbon: %(material)s"),
}
UNITS: dict[str, Promise] = {
    "fraction": _("share (0 to 1)"),
    "fraction a year": _("share a year"),
    "fraction of price": _("share of the price"),
    "fraction of price a year": _("share of the price a year"),
    "h/year": _("h/year"),
    "years": _("years"),
    "EUR/year": _("€/year"),
    "EUR/h": _("€/h"),
    "EUR": _("€"),
    "ratio": _("ratio"),
    "EUR/kWh": _("€/kWh"),
    "fraction of the likely value": _("share of the likely value"),
}
STATUS_LABELS: dict[str, Promise] = {
    "sourced": _("sourced"),
    "assumption": _("assumption"),
    "override": _("territory's value"),
}


def factor_label(key: str) -> str:
    """A factor's name for people: "Recycled feedstock (F_R): steel"; the key when unnamed."""
    if key in LABELS:
        return str(LABELS[key])
    prefix, _dot, material = key.partition(".")
    template = PER_MATERIAL.get(f"{prefix}.")
    if template is None or material not in PartMaterial.values:
        return key
    return str(template) % {"material": PartMaterial(material).label}


def unit_label(unit: str) -> str:
    return str(UNITS.get(unit, unit))


def _matches(entry: str, key: str) -> bool:
    return key.startswith(entry) if entry.endswith(".") else key == entry


def factors_of(method: Method, factors: FactorSet) -> list[FactorValue]:
    """The factors in force a method reads, in the table's order."""
    return [
        factor
        for factor in factors.all()
        if any(_matches(entry, factor.key) for entry in method.factors)
    ]


def methods_using(key: str) -> list[Method]:
    return [
        method
        for method in METHODS.values()
        if any(_matches(entry, key) for entry in method.factors)
    ]

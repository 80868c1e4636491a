"""From what is recorded about a machine to the inputs of its indicators (plain Python).

The rules, stated on the method pages:

- A material's feedstock and end-of-life shares are the owner's where given, else the factor
  table's default for that material (`recycled_feedstock.<material>` and so on).
- A machine that lives a second life is reused feedstock: bought second-hand, received as a
  donation, transferred inside the network, or retrofitted. Its reused share is the share of its
  mass that is not new parts (parts fitted by retrofits and repairs, summed), and the recycled
  share of the default shrinks in proportion, so F_R + F_U ≤ 1 still holds (a retrofitted
  8 t machine with 800 kg of new parts: F_U 0.9, F_R 0.4 × 0.1 = 0.04).
- L/L_av: (expected life + years added by retrofits) / the factor `machine_life_years`.
- U/U_av: the utilisation over the last 12 months / the factor `average_utilisation`, when any
  use was recorded; unknown otherwise (the MCI then takes U/U_av = 1, the average).
- Embodied carbon: Σ mass × `embodied.<material>` × (1 + `embodied.manufacturing_uplift`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from maillage.impact.circularity import MaterialFlow
from maillage.impact.factors import FactorSet

SHARE_FIELDS = (
    ("recycled_feedstock", "recycled_feedstock"),
    ("reused_feedstock", None),
    ("recycled_collection", "recycled_collection"),
    ("reused_collection", None),
    ("feedstock_efficiency", "feedstock_efficiency"),
    ("collection_efficiency", "collection_efficiency"),
)


@dataclass(frozen=True, slots=True)
class Composition:
    """One material row as the owner recorded it (None: use the factor table's default)."""

    material: str
    mass_kg: float
    recycled_feedstock: float | None = None
    reused_feedstock: float | None = None
    recycled_collection: float | None = None
    reused_collection: float | None = None
    feedstock_efficiency: float | None = None
    collection_efficiency: float | None = None


def _default(factors: FactorSet, prefix: str | None, material: str) -> float:
    return factors.value(f"{prefix}.{material}") if prefix else 0.0


def material_flows(
    rows: Sequence[Composition],
    factors: FactorSet,
    *,
    second_life: bool = False,
    new_parts_kg: float = 0.0,
) -> list[MaterialFlow]:
    """The MCI inputs of each material, the second-life rule applied where the owner gave none."""
    total = sum(row.mass_kg for row in rows)
    reused = max(0.0, 1 - new_parts_kg / total) if second_life and total > 0 else 0.0
    flows = []
    for row in rows:
        values = {
            field: getattr(row, field)
            if getattr(row, field) is not None
            else _default(factors, prefix, row.material)
            for field, prefix in SHARE_FIELDS
        }
        if reused and row.reused_feedstock is None:
            values["reused_feedstock"] = reused
            if row.recycled_feedstock is None:
                values["recycled_feedstock"] *= 1 - reused
            values["recycled_feedstock"] = min(values["recycled_feedstock"], 1 - reused)
        flows.append(
            MaterialFlow(
                mass=row.mass_kg,
                recycled_feedstock=values["recycled_feedstock"],
                reused_feedstock=values["reused_feedstock"],
                recycled_collection=values["recycled_collection"],
                reused_collection=values["reused_collection"],
                feedstock_recycling_efficiency=values["feedstock_efficiency"],
                collection_recycling_efficiency=values["collection_efficiency"],
            )
        )
    return flows


def embodied_kgco2e(rows: Sequence[Composition], factors: FactorSet) -> float:
    uplift = factors.value("embodied.manufacturing_uplift")
    return sum(row.mass_kg * factors.value(f"embodied.{row.material}") for row in rows) * (
        1 + uplift
    )

"""One converter per boundary: a need, however it came in, as the engine and the database see it.

A need comes in as a `NeedInput` (page form, API body, CSV line), is checked by the action
into a `Checked` (process, place, hours), and is recorded as a `Need` row (which a batch being
allocated reads back). They carry the criteria below under the same names, so that the engine's
query and the recorded row are built here once rather than field by field in each caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from maillage.directory.models import Commune
from maillage.equipment.models import Process
from maillage.matching import engine
from maillage.matching.loader import MATERIAL_BITS, TOLERANCE_RANKS
from maillage.matching.models import Need, OperatorChoice

# The criteria a need input, a recorded need and the API body all name the same way.
CRITERIA = (
    "material",
    "part_x_mm",
    "part_y_mm",
    "part_z_mm",
    "allow_rotation",
    "tolerance_class",
    "operator",
    "max_km",
    "budget_cents_per_hour",
    "weight_distance",
    "weight_price",
    "weight_impact",
)

# What the person asks of the host's operator, as the engine filters it (absent: either).
OPERATOR_NEEDED: dict[str, bool] = {OperatorChoice.WITH: True, OperatorChoice.WITHOUT: False}


@dataclass
class NeedInput:
    """A need as a person, the API or a CSV line gives it, before the action checks it."""

    process_code: str
    hours: Decimal | float | str
    earliest: dt.datetime
    deadline: dt.datetime
    max_km: float
    commune: str = ""
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    material: str = ""
    part_x_mm: float | None = None
    part_y_mm: float | None = None
    part_z_mm: float | None = None
    allow_rotation: bool = True
    tolerance_class: str = ""
    operator: str = OperatorChoice.ANY
    budget_cents_per_hour: int | None = None
    weight_distance: float = 1.0
    weight_price: float = 1.0
    weight_impact: float = 1.0
    limit: int = 20


class Checked(NamedTuple):
    """A need's input once checked: its process, its place and its hours."""

    process: Process
    commune: Commune | None
    latitude: float
    longitude: float
    hours: Decimal


def criteria(source: Any) -> dict[str, Any]:
    """The shared criteria of an input, a row or an API body, by name."""
    return {name: getattr(source, name) for name in CRITERIA}


def need_query(
    need: NeedInput | Need,
    checked: Checked | Need,
    *,
    node_of_code: Mapping[str, int],
    limit: int,
) -> engine.Need:
    """The engine's query for a need: its criteria, and its process, place and hours as checked
    (a recorded need holds both)."""
    part = (need.part_x_mm, need.part_y_mm, need.part_z_mm)
    return engine.Need(
        process_node=node_of_code[checked.process.code],
        latitude=checked.latitude,
        longitude=checked.longitude,
        max_km=need.max_km,
        hours=float(checked.hours),
        material_bit=MATERIAL_BITS.get(need.material, 0),
        part=part if None not in part else None,  # type: ignore[arg-type]
        allow_rotation=need.allow_rotation,
        tolerance_rank=TOLERANCE_RANKS.get(need.tolerance_class) if need.tolerance_class else None,
        needs_operator=OPERATOR_NEEDED.get(need.operator),
        budget_cents_per_hour=need.budget_cents_per_hour,
        earliest=need.earliest,
        deadline=need.deadline,
        weight_distance=need.weight_distance,
        weight_price=need.weight_price,
        weight_impact=need.weight_impact,
        limit=limit,
    )

"""One converter per boundary: a need, however it came in, as the engine and the database see it.

A need comes in as a `NeedInput` (page form, API body, CSV line) or as a recorded `Need` row
(a batch being allocated). Both carry the criteria below under the same names, so that the
engine's query and the recorded row are built here once rather than field by field in each
caller.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Protocol

from maillage.matching import engine
from maillage.matching.loader import MATERIAL_BITS, TOLERANCE_RANKS
from maillage.matching.models import OperatorChoice

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


class NeedCriteria(Protocol):
    """What `need_query` reads: a `NeedInput` or a recorded `matching.models.Need`."""

    material: str
    part_x_mm: float | None
    part_y_mm: float | None
    part_z_mm: float | None
    allow_rotation: bool
    tolerance_class: str
    operator: str
    max_km: float
    budget_cents_per_hour: int | None
    weight_distance: float
    weight_price: float
    weight_impact: float
    earliest: dt.datetime
    deadline: dt.datetime


def criteria(source: Any) -> dict[str, Any]:
    """The shared criteria of an input, a row or an API body, by name."""
    return {name: getattr(source, name) for name in CRITERIA}


def need_query(
    need: NeedCriteria,
    *,
    process_node: int,
    latitude: float,
    longitude: float,
    hours: Decimal | float,
    limit: int,
) -> engine.Need:
    """The engine's query for a need (the place and hours as checked by the action)."""
    part = (need.part_x_mm, need.part_y_mm, need.part_z_mm)
    return engine.Need(
        process_node=process_node,
        latitude=latitude,
        longitude=longitude,
        max_km=need.max_km,
        hours=float(hours),
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

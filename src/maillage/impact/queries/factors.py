"""The factor table in force: the shipped values and the territory's latest overrides."""

from __future__ import annotations

from django.db.models import Max

from maillage.impact.factors import FactorSet, FactorValue
from maillage.impact.models import FactorOverride


def override_values() -> list[FactorValue]:
    """The highest version of each overridden factor, as factor values."""
    latest = FactorOverride.objects.values("key").annotate(top=Max("version"))
    wanted = {row["key"]: row["top"] for row in latest}
    rows = FactorOverride.objects.filter(key__in=wanted)
    return [
        FactorValue(
            key=row.key,
            value=row.value,
            unit=row.unit,
            source=row.source,
            year=row.year,
            status="override",
            version=row.version,
        )
        for row in rows
        if row.version == wanted[row.key]
    ]


def current_factors() -> FactorSet:
    """A fresh set per computation (it records the factors the computation used)."""
    return FactorSet.with_overrides(override_values())

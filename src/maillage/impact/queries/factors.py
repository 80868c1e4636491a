"""The factor table in force: the shipped values and the territory's latest overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max

from maillage.impact.factors import FactorSet, FactorValue, shipped_factors
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


@dataclass(frozen=True)
class FactorVersion:
    """One version of a factor as its history page shows it (version 0: the shipped value)."""

    value: FactorValue
    note: str = ""
    created_at: dt.datetime | None = None
    created_by: str = ""


def factor_history(key: str) -> list[FactorVersion]:
    """Every version of a factor, newest first, the shipped value last; [] for an unknown key."""
    shipped = shipped_factors().get(key)
    if shipped is None:
        return []
    rows = FactorOverride.objects.filter(key=key).select_related("created_by").order_by("-version")
    versions = [
        FactorVersion(
            value=FactorValue(
                key=row.key,
                value=row.value,
                unit=row.unit,
                source=row.source,
                year=row.year,
                status=_status(row, shipped),
                version=row.version,
            ),
            note=row.note,
            created_at=row.created_at,
            created_by=row.created_by.get_full_name() or row.created_by.username
            if row.created_by
            else "",
        )
        for row in rows
    ]
    return [*versions, FactorVersion(value=shipped)]


def _status(row: FactorOverride, shipped: FactorValue) -> str:
    return (
        shipped.status if (row.value, row.source) == (shipped.value, shipped.source) else "override"
    )

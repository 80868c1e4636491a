"""Coordinators override the factor table for the territory; every change is a new version.

Rows are never edited: an override is version n + 1 of its factor, and going back to the shipped
value is one more version carrying the shipped value and source. Two coordinators saving the same
factor at once get versions n + 1 and n + 2 (the latest row of the factor is locked, the next
version read after the lock); a first override has no row to lock, so two at once both ask for
version 1 and the unique (key, version) constraint refuses one of them, which tries once more.
A caller who says which version they saw (`expected_version`) is told when someone else changed
the factor meanwhile, instead of silently replacing a value they never read.
Every machine's figures are recomputed after the commit (`tasks.recompute_impacts`).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.impact.factors import FactorValue, is_fraction, limits, shipped_factors
from maillage.impact.models import FactorOverride
from maillage.impact.tasks import recompute_impacts

MAX_TEXT = 1000
FIRST_YEAR = 1900
ATTEMPTS = 2  # a collision on the first version is tried once more, then reported


class FactorConflict(ValidationError):
    """Someone else changed the factor meanwhile, or two first overrides collided twice."""


def check_can_override(actor: User) -> None:
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators change the factor table."))


def shipped_factor(key: str) -> FactorValue:
    """Version 0 of a factor; a key the table does not know is refused, naming the field."""
    shipped = shipped_factors().get(key)
    if shipped is None:
        raise ValidationError({"key": _("No factor is called “%(key)s”.") % {"key": key}})
    return shipped


def _value_error(shipped: FactorValue, value: float) -> str | None:
    allowed = limits(shipped.key, shipped.unit)
    if allowed.allows(value):
        return None
    if not math.isfinite(value):
        return _("Give a finite number.")
    if is_fraction(shipped.unit):
        if allowed.low_open:
            return _("A share: give a number above 0 and at most 1 (0.3 for 30 %).")
        return _("A share: give a number between 0 and 1 (0.3 for 30 %).")
    if value > allowed.high:
        return _("At most %(max)s for this factor.") % {"max": f"{allowed.high:g}"}
    if allowed.low > 0:
        return _("At least %(min)s for this factor.") % {"min": f"{allowed.low:g}"}
    if allowed.low_open:
        return _("Give a number above zero.")
    return _("Give a number, zero or more.")


def _check(
    shipped: FactorValue, value: float | Decimal, source: str, year: int, note: str
) -> dict[str, str]:
    errors = {}
    error = _value_error(shipped, float(value))
    if error:
        errors["value"] = error
    if not source.strip():
        errors["source"] = _("Say where the value comes from: a study, a survey, a measure.")
    elif len(source) > MAX_TEXT:
        errors["source"] = _("Keep the source under 1,000 characters.")
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        errors["year"] = _("Give the year of the source, between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": last,
        }
    if len(note) > MAX_TEXT:
        errors["note"] = _("Keep the note under 1,000 characters.")
    return errors


def latest_version(key: str) -> int:
    """The version in force: 0 while the shipped value stands."""
    return FactorOverride.objects.filter(key=key).aggregate(top=Max("version"))["top"] or 0


def _save(
    actor: User,
    shipped: FactorValue,
    fields: dict[str, object],
    expected_version: int | None,
    recompute: bool,
) -> FactorOverride:
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                # Lock the chain's latest row; the next version is read after the lock is held.
                FactorOverride.objects.select_for_update().filter(key=shipped.key).order_by(
                    "-version"
                ).first()
                current = latest_version(shipped.key)
                if expected_version is not None and current != expected_version:
                    raise FactorConflict(
                        _(
                            "This factor was changed meanwhile: it is now at version %(version)s."
                            " Read its new value before changing it."
                        )
                        % {"version": current}
                    )
                row = FactorOverride.objects.create(
                    key=shipped.key,
                    version=current + 1,
                    unit=shipped.unit,
                    created_by=actor,
                    **fields,
                )
                if recompute:
                    enqueue_in_transaction(recompute_impacts)
                return row
        except IntegrityError:
            if attempt + 1 == ATTEMPTS:
                break
    raise FactorConflict(
        _(
            "Another coordinator changed this factor at the same moment. "
            "Reload the page and check its latest version."
        )
    )


def override_factor(
    actor: User,
    key: str,
    value: float | Decimal,
    source: str,
    year: int,
    note: str = "",
    *,
    expected_version: int | None = None,
    recompute: bool = True,
) -> FactorOverride:
    """The territory's value of a factor, as its next version; every machine recomputed after.

    `recompute=False` is for loaders that recompute the park themselves once at the end.
    """
    check_can_override(actor)
    shipped = shipped_factor(key)
    errors = _check(shipped, value, source, year, note)
    if errors:
        raise ValidationError(errors)
    fields = {
        "value": float(value),
        "source": source.strip(),
        "year": year,
        "note": note.strip(),
    }
    return _save(actor, shipped, fields, expected_version, recompute)


def revert_factor(
    actor: User,
    key: str,
    note: str = "",
    *,
    expected_version: int | None = None,
    recompute: bool = True,
) -> FactorOverride:
    """Back to the shipped value and source, as one more version (the history stays whole)."""
    check_can_override(actor)
    shipped = shipped_factor(key)
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": _("Keep the note under 1,000 characters.")})
    latest = FactorOverride.objects.filter(key=key).order_by("-version").first()
    if latest is None or (latest.value, latest.source) == (shipped.value, shipped.source):
        raise ValidationError({"key": _("This factor already has its shipped value.")})
    fields = {
        "value": shipped.value,
        "source": shipped.source,
        "year": shipped.year,
        "note": note.strip() or _("Back to the shipped value."),
    }
    return _save(actor, shipped, fields, expected_version, recompute)

"""The network-wide trainings catalogue: upcoming sessions of every organisation one may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation.models import WaitingListEntry
from maillage.core.dates import day_start
from maillage.directory.models import Department, Organisation, Site
from maillage.directory.queries import visible_organisations
from maillage.equipment.models import Process
from maillage.qualifications.models import Registration, Training, TrainingSession
from maillage.qualifications.queries import for_process

MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class CatalogueFilters:
    process: str = ""
    organisation: str = ""
    department: str = ""
    month: str = ""  # YYYY-MM


def _month_bounds(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    match = MONTH.fullmatch(text)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return day_start(first), day_start(following)


def check_filters(viewer: Any, filters: CatalogueFilters) -> dict[str, str]:
    errors: dict[str, str] = {}
    if filters.process and not Process.objects.filter(code=filters.process).exists():
        errors["process"] = _("Unknown process code: %(c)s.") % {"c": filters.process[:40]}
    if (
        filters.organisation
        and not visible_organisations(viewer).filter(slug=filters.organisation).exists()
    ):
        errors["organisation"] = _("Unknown organisation: %(v)s.") % {
            "v": filters.organisation[:80]
        }
    if filters.department and not Department.objects.filter(code=filters.department).exists():
        errors["department"] = _("Unknown department: %(v)s.") % {"v": filters.department[:3]}
    if filters.month and _month_bounds(filters.month) is None:
        errors["month"] = _("Give a month as YYYY-MM.")
    return errors


def catalogue_sessions(
    viewer: Any, filters: CatalogueFilters, now: dt.datetime | None = None
) -> QuerySet[TrainingSession]:
    """Sessions not started yet, of trainings of organisations this viewer may see, with
    `taken`, `waiting` and, for a signed-in viewer, `is_mine` / `is_waiting`. Filters checked
    first with `check_filters`."""
    now = now or timezone.now()
    trainings: QuerySet[Training] = Training.objects.filter(
        organisation__in=visible_organisations(viewer).values("pk")
    )
    if filters.process:
        process = Process.objects.get(code=filters.process)
        trainings = for_process(trainings, process)
    if filters.organisation:
        trainings = trainings.filter(organisation__slug=filters.organisation)
    if filters.department:
        trainings = trainings.filter(
            organisation__in=Organisation.objects.filter(
                pk__in=Site.objects.filter(department_id=filters.department).values(
                    "organisation_id"
                )
            )
        )
    qs = TrainingSession.objects.filter(start__gt=now, training__in=trainings.values("pk"))
    bounds = _month_bounds(filters.month) if filters.month else None
    if bounds is not None:
        qs = qs.filter(start__gte=bounds[0], start__lt=bounds[1])
    qs = qs.annotate(
        taken=Count("registrations", distinct=True),
        waiting=Count("waiting_list", distinct=True),
    )
    if viewer.is_authenticated:
        qs = qs.annotate(
            is_mine=Exists(Registration.objects.filter(session=OuterRef("pk"), user=viewer)),
            is_waiting=Exists(WaitingListEntry.objects.filter(session=OuterRef("pk"), user=viewer)),
        )
    return qs.select_related("training__organisation", "training__process").order_by("start", "pk")


def places_left(session: TrainingSession) -> int:
    return max(0, session.capacity - int(getattr(session, "taken", 0)))


def waiting_names(session: TrainingSession) -> list[str]:
    """Who waits, in order (for the organisation's trainers)."""
    return [
        e.user.display_name()
        for e in session.waiting_list.select_related("user").order_by("created_at", "pk")
    ]

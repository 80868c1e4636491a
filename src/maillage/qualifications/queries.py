"""Reads shared by the training pages, the API and the sharing offer's form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from maillage.directory.queries import visible_organisations
from maillage.equipment.models import Machine, Process
from maillage.equipment.queries import machines_with_process
from maillage.qualifications.models import Training, TrainingSession


def visible_trainings(user: Any) -> QuerySet[Training]:
    """Trainings of the organisations this person may see."""
    return Training.objects.filter(organisation__in=visible_organisations(user).values("pk"))


def ancestor_codes(path: str) -> list[str]:
    return [code for code in path.split("|") if code]


def for_process(qs: QuerySet[Training], process: Process) -> QuerySet[Training]:
    """Trainings that concern this process: for it, a broader or a narrower one, or a
    machine that does it."""
    return qs.filter(
        Q(process__path__startswith=process.path)
        | Q(process__code__in=ancestor_codes(process.path))
        | Q(machine__in=machines_with_process(process.code))
    )


def for_machine(qs: QuerySet[Training], machine: Machine) -> QuerySet[Training]:
    """Trainings that qualify for this machine: its own, or one for a process it does (or a
    broader one), as `equivalence.equivalent_trainings` counts them."""
    return qs.filter(Q(machine=machine) | Q(process__code__in=_process_codes(machine)))


def upcoming_sessions(now: Any) -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=TrainingSession.objects.filter(end__gt=now)
        .annotate(taken=Count("registrations"))
        .order_by("start"),
        to_attr="upcoming",
    )


def places_left(session: TrainingSession) -> int:
    return max(0, session.capacity - int(getattr(session, "taken", 0)))


def _process_codes(machine: Machine) -> set[str]:
    """The codes of the machine's processes and of every broader one."""
    codes: set[str] = set()
    for path in Process.objects.filter(machines=machine).values_list("path", flat=True):
        codes.update(ancestor_codes(path))
    return codes


def trainings_for_machine(machine: Machine, also: Iterable[int] = ()) -> QuerySet[Training]:
    """Trainings of the network for this machine, or for one of its processes or a broader one
    (plus the trainings `also` names, e.g. those an offer already requires)."""
    codes = _process_codes(machine)
    return (
        Training.objects.filter(
            Q(machine=machine) | Q(process__code__in=codes) | Q(pk__in=list(also))
        )
        .select_related("organisation", "process", "machine")
        .order_by("title", "pk")
    )

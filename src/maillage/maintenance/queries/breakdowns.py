"""Maintenance reads: breakdowns — who may report, who sees which report, and the nearest
capable machine free for the same slot (the matching engine, checked against the booking rules).

The plans topic closes a breakdown with a corrective intervention and counts failures from
resolved reports (`failures_of`): one failure per resolved breakdown, at its confirmation time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState, User
from maillage.equipment.models import Machine
from maillage.maintenance.models.breakdowns import (
    AffectedBooking,
    AffectedState,
    BreakdownReport,
    BreakdownState,
)
from maillage.matching import engine
from maillage.matching.loader import CACHE, MATERIAL_BITS, TOLERANCE_RANKS, FreeSlots
from maillage.qualifications.equivalence import missing_trainings
from maillage.sharing import availability
from maillage.sharing.models import Booking, BookingState, Mode

# How far an alternative machine may be from the broken one.
ALTERNATIVE_MAX_KM = 100.0


def may_report(user: User, machine: Machine) -> bool:
    """Whoever booked or used the machine (any booking but a refused one), its organisation's
    members, and coordinators."""
    if not user.is_authenticated:
        return False
    if permissions.is_coordinator(user):
        return True
    if Membership.objects.filter(
        user=user, organisation_id=machine.organisation_id, state=MembershipState.ACTIVE
    ).exists():
        return True
    return (
        Booking.objects.filter(machine=machine, booker=user)
        .exclude(state=BookingState.REFUSED)
        .exists()
    )


def reports_for_host(user: User) -> QuerySet[BreakdownReport]:
    """Reports on the machines of the organisations this person hosts for (all, coordinators)."""
    qs = BreakdownReport.objects.select_related(
        "machine__organisation", "machine__site", "reporter", "downtime"
    )
    if permissions.is_coordinator(user):
        return qs
    return qs.filter(machine__organisation_id__in=permissions.hosted_organisation_ids(user))


def visible_reports(user: User) -> QuerySet[BreakdownReport]:
    """The host's reports and the person's own."""
    if not user.is_authenticated:
        return BreakdownReport.objects.none()
    if permissions.is_coordinator(user):
        return reports_for_host(user)
    return BreakdownReport.objects.select_related(
        "machine__organisation", "machine__site", "reporter", "downtime"
    ).filter(
        Q(reporter=user) | Q(machine__organisation_id__in=permissions.hosted_organisation_ids(user))
    )


def affected_of(user: User) -> QuerySet[AffectedBooking]:
    """A booker's bookings hit by a confirmed breakdown, with the machine offered instead."""
    return (
        AffectedBooking.objects.filter(booking__booker=user)
        .select_related(
            "report__machine",
            "booking__machine",
            "alternative__organisation",
            "alternative__site",
            "alternative__offer",
            "rebooked_as",
        )
        .order_by("-report__confirmed_at", "booking__start", "pk")
    )


def open_affected_of(user: User) -> QuerySet[AffectedBooking]:
    return affected_of(user).filter(
        state=AffectedState.FLAGGED, report__state=BreakdownState.CONFIRMED
    )


def failures_of(machine: Machine) -> QuerySet[BreakdownReport]:
    """The breakdowns that count as failures of a machine (reliability): confirmed or resolved."""
    return BreakdownReport.objects.filter(
        machine=machine, state__in=(BreakdownState.CONFIRMED, BreakdownState.RESOLVED)
    ).order_by("confirmed_at")


# --- the nearest capable machine free for the same slot --------------------------------


@dataclass(frozen=True)
class Alternative:
    machine_id: int | None
    distance_km: float | None
    unmet_reason: str  # the engine's reason code when nothing fits


class SameSlot:
    """The engine's free-time callback for one exact slot: the machine must take this very
    booking, by the same rules `request_booking` checks (`availability.check_request`)."""

    def __init__(
        self, start: dt.datetime, end: dt.datetime, now: dt.datetime, booker: User, skip: set[int]
    ) -> None:
        self.slot = availability.Interval(start, end)
        self.now = now
        self.skip = skip
        self.loaded = FreeSlots(start, end, now=now, booker=booker)

    def prepare(self, machine_ids: list[int]) -> None:
        self.loaded.prepare([m for m in machine_ids if m not in self.skip])

    def __call__(
        self,
        machine_id: int,
        duration: dt.timedelta,
        earliest: dt.datetime | None,
        deadline: dt.datetime | None,
    ) -> dt.datetime | None:
        if machine_id in self.skip:
            return None
        self.prepare([machine_id])
        loaded = self.loaded
        if machine_id not in loaded.machines:
            return None
        problems = availability.check_request(
            self.slot,
            self.now,
            loaded.rules[machine_id],
            loaded.opening.get(machine_id, []),
            loaded.busy.get(machine_id, []),
        )
        return None if problems else self.slot.start


def alternative_for(
    booking: Booking, now: dt.datetime, skip: set[int] | frozenset[int] = frozenset()
) -> Alternative:
    """The nearest machine that does every process of the booked one, takes its materials and
    envelope, is free for the booking's exact slot and that the booker may book (audience and
    qualifications); `skip` holds machines already ruled out."""
    machine = (
        Machine.objects.select_related("site").prefetch_related("processes", "materials")
    ).get(pk=booking.machine_id)
    processes = sorted(machine.processes.all(), key=lambda p: (-p.depth, p.code))
    index, taxonomy = CACHE.get()
    if not processes or processes[0].code not in taxonomy.node_of_code:
        return Alternative(None, None, "no_such_process")
    materials = 0
    for code in machine.material_codes():
        materials |= MATERIAL_BITS.get(code, 0)
    need = engine.Need(
        process_node=taxonomy.node_of_code[processes[0].code],
        latitude=machine.site.latitude,
        longitude=machine.site.longitude,
        max_km=ALTERNATIVE_MAX_KM,
        hours=(booking.end - booking.start).total_seconds() / 3600,
        material_bit=materials,
        part=machine.envelope(),
        tolerance_rank=TOLERANCE_RANKS.get(machine.tolerance_class),
        earliest=booking.start,
        deadline=booking.end,
        weight_price=0.0,
        weight_impact=0.0,
        limit=10,
    )
    answer = index.query(
        need, SameSlot(booking.start, booking.end, now, booking.booker, {machine.pk, *skip})
    )
    candidates = sorted(answer.results, key=lambda r: (r.distance_km, r.machine_id))
    capable = _doing_every_process([r.machine_id for r in candidates], {p.code for p in processes})
    for result in candidates:
        if result.machine_id in capable and _qualified(booking, result.machine_id):
            return Alternative(result.machine_id, result.distance_km, "")
    return Alternative(None, None, answer.unmet_reason or "busy")


def _doing_every_process(machine_ids: list[int], codes: set[str]) -> set[int]:
    """The machines whose processes (or their sub-processes) cover every code given."""
    covered: dict[int, set[str]] = {m: set() for m in machine_ids}
    for machine_id, path in Machine.processes.through.objects.filter(
        machine_id__in=machine_ids
    ).values_list("machine_id", "process__path"):
        covered[machine_id].update(c for c in path.split("|") if c)
    return {m for m, found in covered.items() if codes <= found}


def _qualified(booking: Booking, machine_id: int) -> bool:
    machine = Machine.objects.select_related("offer").get(pk=machine_id)
    offer = getattr(machine, "offer", None)
    if offer is None:
        return False
    if offer.mode == Mode.WITH_OPERATOR:
        return True
    return not missing_trainings(booking.booker, offer, booking.end)

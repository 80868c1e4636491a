"""Demo breakdowns: a few over the past year, resolved, and one open today.

The open one is confirmed on a machine of the demo host's organisation (`hote-atelier` handles
it on /breakdowns/) and hits a booking of `membre-atelier`, who is offered the nearest capable
machine free for the same slot on /breakdowns/mine/. Everything goes through the actions.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance.actions import breakdowns as actions
from maillage.maintenance.models import BreakdownReport
from maillage.maintenance.queries.breakdowns import alternative_for
from maillage.sharing.actions import bookings
from maillage.sharing.availability import PARIS
from maillage.sharing.models import Booking

HOST_SLUG = "demo-001"
PAST = [
    # days ago, days down, what happened, what was done
    (
        320,
        3,
        "La broche fait un bruit de roulement sec au-delà de 12 000 tr/min.",
        "Roulements changés.",
    ),
    (190, 1, "Le capteur de fin de course X ne répond plus.", "Connecteur ressoudé."),
    (75, 2, "Fuite d'huile sous le carter, flaque après une heure d'usage.", "Joint remplacé."),
]


# Slots tried for the open breakdown's booking (days ahead, hour): weekday afternoons first.
SLOTS = [(4, 14), (5, 15), (3, 10), (6, 16)]


class _NoAlternative(Exception):
    """This machine has no free capable neighbour for the slot: try the next one."""


def load_breakdowns_demo() -> int:
    """Create the demo breakdowns unless they exist; return how many reports were made."""
    if BreakdownReport.objects.filter(machine__source="demo").exists():
        return 0
    host = User.objects.get(username="hote-atelier")
    member = User.objects.get(username="membre-atelier")
    machines = list(
        Machine.objects.filter(
            organisation__slug=HOST_SLUG, status=MachineStatus.OPERATIONAL, offer__active=True
        ).order_by("pk")
    )
    if not machines:
        return 0
    made = _past(host, member, machines[0])
    made += _open_today(host, member, machines)
    return made


def _past(host: User, member: User, machine: Machine) -> int:
    now = timezone.now()
    for days_ago, days_down, text, done in PAST:
        start = now - dt.timedelta(days=days_ago)
        report = actions.report_breakdown(member, machine, text)
        actions.confirm_breakdown(
            host, report, start + dt.timedelta(days=days_down), start=start, now=start
        )
        actions.resolve_breakdown(host, report, done, now=start + dt.timedelta(days=days_down))
        BreakdownReport.objects.filter(pk=report.pk).update(created_at=start)
    return len(PAST)


def _open_today(host: User, member: User, machines: list[Machine]) -> int:
    """The first machine and slot where the member's booking has a capable free neighbour."""
    now = timezone.now()
    for days, hour in SLOTS:
        day = now.astimezone(PARIS).date() + dt.timedelta(days=days)
        while day.weekday() > 4:
            day += dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)
        for machine in machines:
            booking = _booked_with_alternative(member, machine, start, now)
            if booking is None:
                continue
            report = actions.report_breakdown(
                member,
                machine,
                "Plus aucune réponse à la mise sous tension ; odeur de brûlé côté armoire.",
                booking=booking,
            )
            actions.confirm_breakdown(
                host, report, booking.end + dt.timedelta(days=2), start=now, now=now
            )
            return 1
    return 0


def _booked_with_alternative(
    member: User, machine: Machine, start: dt.datetime, now: dt.datetime
) -> Booking | None:
    """The member's booking of the slot, kept only if another machine could take it."""
    try:
        with transaction.atomic():
            booking = bookings.request_booking(
                member,
                machine,
                start,
                start + dt.timedelta(hours=2),
                safety_acknowledged=True,
                note="Démonstration",
                now=now,
            )
            if alternative_for(booking, now).machine_id is None:
                raise _NoAlternative
    except (ValidationError, PermissionDenied, _NoAlternative):
        return None
    return booking

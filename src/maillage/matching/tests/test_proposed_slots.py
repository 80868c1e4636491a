"""The slot a search proposes is one the booking accepts, at the same instant, for that person.

Hypothesis lays random host rules (notice, horizon, durations, buffer, audience), opening
hours, closures, exceptional openings, downtimes and bookings on the territory of the API
tests, asks `find_machines` for a need, then books every proposed slot through
`request_booking`. Each example runs in a transaction rolled back at its end.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.models import User
from maillage.matching import queries
from maillage.matching.actions.needs import find_machines
from maillage.matching.convert import NeedInput
from maillage.matching.loader import CACHE
from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import LASER_CUTTING
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import hours as hour_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import (
    LIVE_STATES,
    Audience,
    AvailabilityException,
    Booking,
    Downtime,
    ExceptionKind,
    Mode,
)

_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def _search(actor: User, now: dt.datetime, hours: Decimal, earliest: dt.datetime, days: float):
    data = NeedInput(
        process_code=LASER_CUTTING,
        hours=hours,
        earliest=earliest,
        deadline=earliest + dt.timedelta(days=days),
        max_km=80,
        commune="13001",
    )
    _need, matches = find_machines(actor, data, record=False, now=now)
    return queries.result_rows(matches, hours)


# --- the reported case ----------------------------------------------------------------


def test_a_day_of_notice_moves_the_proposed_slot_a_day_ahead_and_it_can_be_booked(
    territory: Any,
) -> None:
    machine, alice, dave = territory["machines"]["a"], territory["alice"], territory["dave"]
    offer_actions.save_offer(
        alice,
        machine,
        offer_actions.OfferInput(mode=Mode.SELF_SERVICE, max_minutes=600, min_notice_minutes=1440),
    )
    CACHE.clear()
    now = timezone.now()
    rows = {r.machine.pk: r for r in _search(dave, now, Decimal(2), now, 14)}
    row = rows[machine.pk]
    assert row.slot_start is not None and row.slot_end is not None
    assert row.slot_start >= now + dt.timedelta(hours=24)
    assert row.slot_start.second == 0  # the booking link writes it to the minute
    booking = booking_actions.request_booking(dave, machine, row.slot_start, row.slot_end, now=now)
    assert booking.start == row.slot_start and booking.state in LIVE_STATES


def test_the_notice_refusal_says_the_notice_as_people_read_it(territory: Any) -> None:
    machine, alice, dave = territory["machines"]["a"], territory["alice"], territory["dave"]
    offer_actions.save_offer(
        alice, machine, offer_actions.OfferInput(max_minutes=600, min_notice_minutes=1440)
    )
    start = timezone.now() + 2 * HOUR
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        booking_actions.request_booking(dave, machine, start, start + HOUR)
    assert "L'hôte demande un préavis de 1\N{NO-BREAK SPACE}jour." in refused.value.messages


def test_a_machine_booked_by_its_own_organisation_only_is_not_proposed_to_outsiders(
    territory: Any,
) -> None:
    machine, alice, dave = territory["machines"]["a"], territory["alice"], territory["dave"]
    offer_actions.save_offer(
        alice, machine, offer_actions.OfferInput(max_minutes=600, audience=Audience.OWN)
    )
    CACHE.clear()
    now = timezone.now()
    assert machine.pk not in {r.machine.pk for r in _search(dave, now, Decimal(2), now, 14)}
    assert machine.pk in {r.machine.pk for r in _search(alice, now, Decimal(2), now, 14)}


def test_a_need_shorter_than_the_hosts_minimum_is_not_proposed_that_machine(
    territory: Any,
) -> None:
    machine, alice, dave = territory["machines"]["a"], territory["alice"], territory["dave"]
    offer_actions.save_offer(
        alice, machine, offer_actions.OfferInput(min_minutes=120, max_minutes=600)
    )
    CACHE.clear()
    now = timezone.now()
    assert machine.pk not in {r.machine.pk for r in _search(dave, now, Decimal(1), now, 14)}
    assert machine.pk in {r.machine.pk for r in _search(dave, now, Decimal(2), now, 14)}


# --- the property ----------------------------------------------------------------------


@st.composite
def offers(draw: Any) -> offer_actions.OfferInput:
    low = draw(st.sampled_from([5, 15, 30, 60, 120]))
    return offer_actions.OfferInput(
        audience=draw(
            st.sampled_from([Audience.NETWORK, Audience.NETWORK, Audience.REGISTERED, Audience.OWN])
        ),
        mode=draw(st.sampled_from(Mode.values)),
        min_minutes=low,
        max_minutes=low + draw(st.integers(0, 600)),
        buffer_minutes=draw(st.sampled_from([0, 0, 10, 15, 45, 120])),
        min_notice_minutes=draw(st.sampled_from([0, 0, 30, 90, 1440, 2880])),
        horizon_days=draw(st.integers(1, 10)),
        safety_notes=draw(st.sampled_from(["", "Goggles on."])),
    )


# Weekly hours: (weekday, opening hour, opening minute, length in quarter hours).
windows = st.lists(
    st.tuples(
        st.integers(0, 6), st.integers(0, 22), st.sampled_from([0, 15, 30, 45]), st.integers(1, 40)
    ),
    max_size=6,
)
# Relative to "now", in minutes: (offset, length).
spans = st.lists(st.tuples(st.integers(-600, 10 * 1440), st.integers(1, 1440)), max_size=2)
# Bookings laid one after the other: (gap before it, length), minutes.
bookings = st.lists(st.tuples(st.integers(0, 1440), st.integers(15, 600)), max_size=5)


def _lay_calendar(
    machine: Any, host: Any, other: User, now: dt.datetime, buffer_minutes: int, draw: Any
) -> None:
    hours = draw(windows)
    scope = draw(st.sampled_from(["machine", "site", "none"]))
    if hours and scope != "none":
        lines = []
        for weekday, hour, minute, quarters in hours:
            closes = min(hour * 60 + minute + 15 * quarters, 23 * 60 + 45)
            lines.append(
                hour_actions.WindowInput(
                    weekday, dt.time(hour, minute), dt.time(closes // 60, closes % 60)
                )
            )
        target = {"machine": machine} if scope == "machine" else {"site": machine.site}
        hour_actions.set_opening_windows(host, lines, **target)
    for kind in (ExceptionKind.CLOSURE, ExceptionKind.OPENING):
        for offset, length in draw(spans):
            start = now + dt.timedelta(minutes=offset)
            where = draw(st.sampled_from([{"machine": machine}, {"site": machine.site}]))
            AvailabilityException.objects.create(
                kind=kind, start=start, end=start + dt.timedelta(minutes=length), **where
            )
    for offset, length in draw(spans)[:1]:
        start = now + dt.timedelta(minutes=offset)
        ends = draw(st.sampled_from([True, True, True, False]))
        Downtime.objects.create(
            machine=machine,
            start=start,
            end=start + dt.timedelta(minutes=length) if ends else None,
            reason="Maintenance",
        )
    cursor = now - dt.timedelta(minutes=draw(st.integers(0, 300)), seconds=draw(st.integers(0, 59)))
    buffer = dt.timedelta(minutes=buffer_minutes)
    for gap, length in draw(bookings):
        start = cursor + dt.timedelta(minutes=gap)
        end = start + dt.timedelta(minutes=length)
        Booking.objects.create(
            machine=machine,
            booker=other,
            host_organisation_id=machine.organisation_id,
            start=start,
            end=end,
            blocked_until=end + buffer,
            state=draw(st.sampled_from(LIVE_STATES)),
            tier="member",
        )
        cursor = end + buffer


def test_every_slot_a_search_proposes_is_accepted_by_the_booking(territory: Any) -> None:
    dave, carol = territory["dave"], territory["carol"]
    base = timezone.now()
    booked: list[int] = []

    @given(data=st.data())
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def search_then_book(data: st.DataObject) -> None:
        with transaction.atomic():
            seconds = data.draw(st.integers(0, 3 * 86400))
            now = base + dt.timedelta(seconds=seconds, microseconds=123)
            for key, host in (("a", territory["alice"]), ("b", territory["bob"])):
                machine = territory["machines"][key]
                offer = data.draw(offers())
                offer_actions.save_offer(host, machine, offer)
                _lay_calendar(machine, host, carol, now, offer.buffer_minutes, data.draw)
            CACHE.clear()
            hours = data.draw(st.sampled_from([Decimal("0.25"), Decimal(1), Decimal("1.5"), 4]))
            earliest = now + dt.timedelta(minutes=data.draw(st.integers(-600, 3 * 1440)))
            days = data.draw(st.sampled_from([0.5, 1, 3, 12]))
            for row in _search(dave, now, Decimal(hours), earliest, days):
                if row.slot_start is None or row.slot_end is None:
                    continue
                assert row.slot_start >= max(earliest, now)
                assert row.slot_end <= earliest + dt.timedelta(days=days)
                with transaction.atomic():
                    booking = booking_actions.request_booking(
                        dave,
                        row.machine,
                        row.slot_start,
                        row.slot_end,
                        now=now,
                        safety_acknowledged=True,
                    )
                    assert booking.start == row.slot_start
                    booked.append(row.machine.pk)
                    transaction.set_rollback(True)
            transaction.set_rollback(True)
        CACHE.clear()

    search_then_book()
    # Not vacuous: the host rules drawn left slots to propose, on the machines drawn too.
    machines = territory["machines"]
    assert {machines["a"].pk, machines["b"].pk} & set(booked)

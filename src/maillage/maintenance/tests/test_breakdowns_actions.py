"""Breakdowns: who may report, the host's confirmation flags the right bookings and offers the
nearest capable free machine, dismiss, resolve, and the one-click rebook with its lost race."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.equipment import actions as equipment_actions
from maillage.maintenance.actions import breakdowns as actions
from maillage.maintenance.models import AffectedState, BreakdownReport, BreakdownState
from maillage.maintenance.models.plans import Intervention, MachineMeter
from maillage.maintenance.queries import breakdowns as queries
from maillage.maintenance.tests import breakdown_world as world
from maillage.maintenance.tests.breakdown_world import NOW, at, book
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.models import Booking, BookingState, Downtime

# The world's fixtures.
_fresh_index, taxonomy, territory = world._fresh_index, world.taxonomy, world.territory
english = world.english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _report(territory: Any, **extra: Any) -> BreakdownReport:
    laser_a = territory["machines"]["a"]
    return actions.report_breakdown(
        territory["alice"], laser_a, "The tube no longer fires.", **extra
    )


def test_confirm_flags_bookings_in_the_window_and_offers_the_nearest_free_machine(
    territory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dave, bob = territory["dave"], territory["bob"]
    a, b, c = (territory["machines"][k] for k in "abc")
    inside = book(dave, a, 2, 3)
    overlapping_end = book(dave, a, 23, 25)
    after = book(dave, a, 26, 27)
    cancelled = book(dave, a, 5, 6)
    booking_actions.cancel_booking(dave, cancelled, now=NOW)
    elsewhere = book(dave, b, 8, 9)
    book(bob, b, 22, 26)  # Aix is taken at the second slot: Toulon is next
    report = actions.report_breakdown(dave, a, "Smoke from the laser tube.", booking=inside)

    with django_capture_on_commit_callbacks(execute=True):
        actions.confirm_breakdown(territory["alice"], report, at(24), start=NOW, now=NOW)

    report.refresh_from_db()
    assert report.state == BreakdownState.CONFIRMED
    downtime = Downtime.objects.get(pk=report.downtime_id)
    assert (downtime.start, downtime.end) == (NOW, at(24))
    offered = {row.booking_id: row for row in report.affected.all()}
    assert set(offered) == {inside.pk, overlapping_end.pk}
    assert after.pk not in offered and cancelled.pk not in offered and elsewhere.pk not in offered
    assert offered[inside.pk].alternative_id == b.pk
    assert 20 < offered[inside.pk].alternative_km < 35
    assert offered[overlapping_end.pk].alternative_id == c.pk
    to_dave = [m for m in mail.outbox if m.to == [dave.email]]
    assert len(to_dave) == 2  # one per flagged booking, not sharing's generic one as well
    assert any("Laser B" in m.body for m in to_dave)
    assert any("Laser C" in m.body for m in to_dave)


def test_no_alternative_when_no_capable_machine_is_free_said_clearly(territory: Any) -> None:
    dave, bob, carol = territory["dave"], territory["bob"], territory["carol"]
    a, b, c = (territory["machines"][k] for k in "abc")
    flagged = book(dave, a, 2, 3)
    book(bob, b, 1, 4)
    book(carol, c, 2, 5)
    report = _report(territory)
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    row = report.affected.get()
    assert row.booking_id == flagged.pk
    assert row.alternative_id is None and row.unmet_reason == "busy"
    with pytest.raises(ValidationError) as refused:
        actions.rebook(dave, row, now=NOW)
    assert refused.value.message_dict == {
        "alternative": ["No capable machine is free for this slot nearby."]
    }
    assert Booking.objects.get(pk=flagged.pk).state == BookingState.CONFIRMED


def test_a_smaller_or_other_process_machine_is_never_offered(territory: Any) -> None:
    dave = territory["dave"]
    a, b, c = (territory["machines"][k] for k in "abc")
    # Broken: C (1300 × 900 × 30); A and B are smaller, so nothing fits.
    flagged = book(dave, c, 2, 3)
    report = actions.report_breakdown(territory["carol"], c, "Mirror cracked.")
    actions.confirm_breakdown(territory["carol"], report, at(10), start=NOW, now=NOW)
    row = report.affected.get(booking=flagged)
    assert row.alternative_id is None
    assert row.unmet_reason  # the engine says why
    assert {a.pk, b.pk}.isdisjoint({row.alternative_id})


def test_rebook_moves_the_slot_to_the_alternative_and_cancels_the_original(territory: Any) -> None:
    dave = territory["dave"]
    a, b = territory["machines"]["a"], territory["machines"]["b"]
    original = book(dave, a, 2, 3)
    report = _report(territory)
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    row = report.affected.get()

    actions.rebook(dave, row, now=NOW)

    row.refresh_from_db()
    assert row.state == AffectedState.REBOOKED
    new = row.rebooked_as
    assert (new.machine_id, new.start, new.end, new.booker_id) == (b.pk, at(2), at(3), dave.pk)
    assert new.state == BookingState.CONFIRMED
    original.refresh_from_db()
    assert original.state == BookingState.CANCELLED
    assert "Laser B" in original.reason
    with pytest.raises(actions.BreakdownConflict):
        actions.rebook(dave, row, now=NOW)


def test_a_lost_race_offers_the_next_machine_and_saves_nothing(territory: Any) -> None:
    dave, bob = territory["dave"], territory["bob"]
    a, b, c = (territory["machines"][k] for k in "abc")
    original = book(dave, a, 2, 3)
    report = _report(territory)
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    row = report.affected.get()
    assert row.alternative_id == b.pk
    book(bob, b, 2, 3)  # taken meanwhile

    with pytest.raises(actions.BreakdownConflict) as lost:
        actions.rebook(dave, row, now=NOW)

    assert "Laser C is free instead" in lost.value.messages[0]
    row.refresh_from_db()
    assert (row.alternative_id, row.state) == (c.pk, AffectedState.FLAGGED)
    assert Booking.objects.get(pk=original.pk).state == BookingState.CONFIRMED
    assert not Booking.objects.filter(machine=b, booker=dave).exists()
    actions.rebook(dave, row, now=NOW)
    assert Booking.objects.get(machine=c, booker=dave).start == at(2)


def test_only_the_booker_rebooks(territory: Any) -> None:
    book(territory["dave"], territory["machines"]["a"], 2, 3)
    report = _report(territory)
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    with pytest.raises(PermissionDenied):
        actions.rebook(territory["bob"], report.affected.get(), now=NOW)


def test_resolve_ends_the_downtime_and_clears_the_flags(territory: Any) -> None:
    book(territory["dave"], territory["machines"]["a"], 2, 3)
    report = _report(territory)
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    actions.resolve_breakdown(territory["alice"], report, "Tube replaced.", now=at(1))
    report.refresh_from_db()
    assert report.state == BreakdownState.RESOLVED
    assert Downtime.objects.get(pk=report.downtime_id).end == at(1)
    assert report.affected.get().state == AffectedState.CLEARED
    assert list(queries.failures_of(territory["machines"]["a"])) == [report]
    # The repair is the failure the machine's reliability counts: once, from down to back up.
    [repair] = Intervention.objects.filter(machine=territory["machines"]["a"])
    assert (repair.kind, repair.failed_at, repair.restored_at) == ("corrective", NOW, at(1))
    assert MachineMeter.objects.get(machine=territory["machines"]["a"]).failures == 1
    with pytest.raises(actions.BreakdownConflict):
        actions.resolve_breakdown(territory["alice"], report, now=at(1))
    assert Intervention.objects.count() == 1


def test_dismiss_needs_a_reason_and_closes_the_report(territory: Any) -> None:
    report = _report(territory)
    with pytest.raises(ValidationError) as refused:
        actions.dismiss_breakdown(territory["alice"], report, " ")
    assert "note" in refused.value.message_dict
    actions.dismiss_breakdown(territory["alice"], report, "Works fine: the door was open.")
    assert BreakdownReport.objects.get(pk=report.pk).state == BreakdownState.DISMISSED
    assert not Intervention.objects.exists()  # nothing failed
    with pytest.raises(actions.BreakdownConflict):
        actions.confirm_breakdown(territory["alice"], report, at(3), now=NOW)
    assert not Downtime.objects.exists()


# --- bad input: a clear message, nothing saved ------------------------------------------


def test_a_retired_machine_cannot_be_reported(territory: Any) -> None:
    laser_a = territory["machines"]["a"]
    equipment_actions.retire_machine(territory["alice"], laser_a)
    with pytest.raises(ValidationError) as refused:
        actions.report_breakdown(territory["alice"], laser_a, "Broken.")
    assert refused.value.message_dict == {
        "machine": ["This machine is retired: it is no longer in use, nothing to report."]
    }
    assert not BreakdownReport.objects.exists()


def test_who_may_report(territory: Any, make_user: Any) -> None:
    laser_a, dave = territory["machines"]["a"], territory["dave"]
    stranger = make_user("stranger")
    with pytest.raises(PermissionDenied):
        actions.report_breakdown(stranger, laser_a, "Broken.")
    with pytest.raises(PermissionDenied):
        actions.report_breakdown(dave, laser_a, "Broken.")  # never booked it
    refused = book(dave, laser_a, 2, 3)
    Booking.objects.filter(pk=refused.pk).update(state=BookingState.REFUSED)
    with pytest.raises(PermissionDenied):
        actions.report_breakdown(dave, laser_a, "Broken.")
    book(dave, laser_a, 4, 5)
    assert actions.report_breakdown(dave, laser_a, "Broken.").reporter == dave


def test_description_required_and_photo_checked(territory: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        _report_with(territory, " ", SimpleUploadedFile("notes.txt", b"hello world, not an image"))
    assert set(refused.value.message_dict) == {"description", "photo"}
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError) as too_big:
        _report_with(territory, "Broken.", big)
    assert too_big.value.message_dict == {"photo": ["The photo is over 5 MB: send a smaller one."]}
    assert not BreakdownReport.objects.exists()
    webp = SimpleUploadedFile("p.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 32)
    report = _report_with(territory, "Broken.", webp)
    assert report.photo_type == "image/webp" and report.photo.name.startswith("breakdowns/")
    report.photo.delete(save=False)


def _report_with(territory: Any, text: str, photo: Any) -> BreakdownReport:
    return actions.report_breakdown(
        territory["alice"], territory["machines"]["a"], text, photo=photo
    )


def test_confirm_by_a_non_host_or_with_the_end_before_the_start(territory: Any) -> None:
    report = _report(territory)
    with pytest.raises(PermissionDenied):
        actions.confirm_breakdown(territory["dave"], report, at(3), now=NOW)
    with pytest.raises(PermissionDenied):
        actions.confirm_breakdown(territory["bob"], report, at(3), now=NOW)  # another host
    with pytest.raises(ValidationError) as refused:
        actions.confirm_breakdown(territory["alice"], report, at(1), start=at(2), now=NOW)
    assert refused.value.message_dict == {
        "estimated_end": ["The estimated end must come after the start of the breakdown."]
    }
    with pytest.raises(ValidationError):
        actions.confirm_breakdown(territory["alice"], report, None, now=NOW)
    report.refresh_from_db()
    assert report.state == BreakdownState.REPORTED and report.downtime_id is None
    assert not Downtime.objects.exists()


def test_photo_type_reads_the_first_bytes() -> None:
    assert actions.photo_type(SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20)) == (
        "image/jpeg"
    )
    assert actions.photo_type(SimpleUploadedFile("x.png", PNG)) == "image/png"
    with pytest.raises(ValidationError):
        actions.photo_type(SimpleUploadedFile("x.jpg", io.BytesIO(b"GIF89a....").read()))

"""Trainings an offer requires: which qualifications count for booking, and use keeping them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.equivalence import is_valid, missing_trainings
from maillage.qualifications.tests.training_world import (
    LASER_CUTTING,
    LASER_ENGRAVING,
    NON_MECHANICAL,
    THERMAL_REMOVAL,
    paris,
)
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.actions import usage as usage_actions
from maillage.sharing.models import Audience, Mode

pytestmark = pytest.mark.django_db


# --- creating trainings ---------------------------------------------------------------


def test_a_qualification_lapses_after_idle_months_and_use_keeps_it(
    alice, bob, carol, workshop, laser
):
    training = qualification_actions.create_training(
        alice, workshop, "Laser", machine=laser, validity_months=36, idle_lapse_months=6
    )
    offer_actions.save_offer(
        alice,
        laser,
        offer_actions.OfferInput(
            audience=Audience.REGISTERED,
            mode=Mode.SELF_SERVICE,
            required_training_ids=(training.pk,),
        ),
    )
    issued = paris(2025, 1, 10, 12)
    qualification = qualification_actions.grant_qualification(alice, carol, training, issued)
    assert is_valid(qualification, paris(2025, 7, 10, 12)) == "lapsed"
    offer = laser.offer
    assert [m.reason for m in missing_trainings(carol, offer, paris(2025, 7, 11))] == ["lapsed"]

    # Used on 1 June: still valid in November, lapsed in December.
    now = paris(2025, 6, 1, 8)
    booking = booking_actions.request_booking(
        carol, laser, paris(2025, 6, 1, 9), paris(2025, 6, 1, 11), now=now
    )
    usage_actions.check_in(carol, booking, now=paris(2025, 6, 1, 9))
    usage_actions.check_out(
        carol, booking, usage_actions.UsageInput(hours_used=Decimal("2")), now=paris(2025, 6, 1, 11)
    )
    qualification.refresh_from_db()
    assert qualification.last_used_at == paris(2025, 6, 1, 11)
    assert is_valid(qualification, paris(2025, 11, 30, 12)) == ""
    assert is_valid(qualification, paris(2025, 12, 1, 12)) == "lapsed"


@pytest.fixture
def offer(alice, laser, laser_training):
    return offer_actions.save_offer(
        alice,
        laser,
        offer_actions.OfferInput(
            mode=Mode.SELF_SERVICE, required_training_ids=(laser_training.pk,)
        ),
    )


def _set_network(offer, accept):
    offer.accept_network_qualifications = accept
    offer.save()
    return offer


@pytest.mark.parametrize(
    ("process_code", "counts"),
    [
        (LASER_CUTTING, True),  # the same process
        (THERMAL_REMOVAL, True),  # its parent
        (NON_MECHANICAL, True),  # its grandparent
        (LASER_ENGRAVING, False),  # a sibling
    ],
)
def test_a_training_elsewhere_counts_for_the_same_or_a_broader_process(
    bob, carol, fablab, offer, process_code, counts
):
    elsewhere = qualification_actions.create_training(
        bob, fablab, "Ailleurs", process_code=process_code
    )
    qualification_actions.grant_qualification(bob, carol, elsewhere)
    missing = missing_trainings(carol, offer, timezone.now())
    assert (missing == []) is counts
    if not counts:
        assert [m.reason for m in missing] == ["never"]


def test_another_training_for_the_same_machine_counts_only_with_the_network(
    alice, carol, workshop, laser, offer
):
    refresher = qualification_actions.create_training(
        alice, workshop, "Laser refresher", machine=laser
    )
    qualification_actions.grant_qualification(alice, carol, refresher)
    assert missing_trainings(carol, offer, timezone.now()) == []
    _set_network(offer, accept=False)
    assert [m.reason for m in missing_trainings(carol, offer, timezone.now())] == ["never"]


def test_only_the_listed_trainings_count_when_the_host_refuses_the_network(
    bob, carol, fablab, offer
):
    _set_network(offer, accept=False)
    elsewhere = qualification_actions.create_training(
        bob, fablab, "Ailleurs", process_code=THERMAL_REMOVAL
    )
    qualification_actions.grant_qualification(bob, carol, elsewhere)
    assert [m.reason for m in missing_trainings(carol, offer, timezone.now())] == ["never"]
    _set_network(offer, accept=True)
    assert missing_trainings(carol, offer, timezone.now()) == []


def test_the_listed_training_itself_always_counts(alice, carol, offer, laser_training):
    _set_network(offer, accept=False)
    qualification_actions.grant_qualification(alice, carol, laser_training)
    assert missing_trainings(carol, offer, timezone.now()) == []


def test_an_expired_equivalent_does_not_count(bob, carol, fablab, offer):
    elsewhere = qualification_actions.create_training(
        bob, fablab, "Ailleurs", process_code=THERMAL_REMOVAL, validity_months=1
    )
    qualification_actions.grant_qualification(
        bob, carol, elsewhere, timezone.now() - dt.timedelta(days=40)
    )
    assert [m.reason for m in missing_trainings(carol, offer, timezone.now())] == ["expired"]


# --- the list --------------------------------------------------------------------------

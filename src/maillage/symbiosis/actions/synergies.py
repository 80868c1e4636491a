"""Symbiosis actions: the life of a synergy — discussion, each side's acceptance, decline,
start, the monthly quantities exchanged, end.

proposed → discussing → agreed → running → ended; proposed or discussing → declined.
Every transition locks the synergy's row, reads its state again and refuses, naming the state
it is in now, when someone else moved it meanwhile. The other side hears of it after the commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState
from maillage.sharing.actions.bookings import BookingConflict
from maillage.symbiosis.models import Synergy, SynergyExchange, SynergyState
from maillage.symbiosis.tasks.synergies import notify_synergy_step

# The largest monthly quantity the column holds (14 digits, 3 after the point).
MAX_QUANTITY = Decimal("99999999999.999")


class SynergyConflict(BookingConflict):
    """The synergy changed since it was read (the API answers 409)."""


@dataclass(frozen=True)
class Sides:
    """Which sides of a synergy a person speaks for, and whether they coordinate the network."""

    offer: bool
    demand: bool
    coordinator: bool

    @property
    def any(self) -> bool:
        return self.offer or self.demand


def sides_of(user: Any, synergy: Synergy) -> Sides:
    """The sides `user` is an active member of; none for a visitor."""
    if not user.is_authenticated:
        return Sides(False, False, False)
    organisation_ids = set(
        Membership.objects.filter(
            user=user,
            state=MembershipState.ACTIVE,
            organisation_id__in=[synergy.offer.organisation_id, synergy.demand.organisation_id],
        ).values_list("organisation_id", flat=True)
    )
    return Sides(
        offer=synergy.offer.organisation_id in organisation_ids,
        demand=synergy.demand.organisation_id in organisation_ids,
        coordinator=permissions.is_coordinator(user),
    )


def allowed_steps(user: Any, synergy: Synergy) -> list[str]:
    """The transitions `user` may ask for now (pages show one button each)."""
    sides = sides_of(user, synergy)
    state = synergy.state
    steps = []
    if state == SynergyState.PROPOSED and (sides.any or sides.coordinator):
        steps.append("discuss")
    if state in (SynergyState.PROPOSED, SynergyState.DISCUSSING) and sides.any:
        if (sides.offer and synergy.offer_accepted_at is None) or (
            sides.demand and synergy.demand_accepted_at is None
        ):
            steps.append("accept")
        steps.append("decline")
    if state == SynergyState.AGREED and sides.any:
        steps.append("start")
    if state in (SynergyState.AGREED, SynergyState.RUNNING) and (sides.any or sides.coordinator):
        steps.append("end")
    return steps


def _state_label(state: str) -> str:
    return str(SynergyState(state).label)


def _locked(synergy: Synergy, *starts_from: str) -> Synergy:
    """Inside a transaction: the synergy's row locked and read again, still in `starts_from`."""
    locked = Synergy.objects.select_for_update().get(pk=synergy.pk)
    if locked.state not in starts_from:
        raise SynergyConflict(
            _("This synergy cannot take this step: it is now “%(state)s”.")
            % {"state": _state_label(locked.state)}
        )
    return locked


def _actor_organisation(user: Any, synergy: Synergy, sides: Sides) -> int | None:
    if sides.offer:
        return synergy.offer.organisation_id
    if sides.demand:
        return synergy.demand.organisation_id
    return None


def _check_side(sides: Sides, *, coordinators: bool) -> None:
    if sides.any or (coordinators and sides.coordinator):
        return
    if coordinators:
        raise PermissionDenied(
            _("Only the members of either side, or a coordinator, can do this on a synergy.")
        )
    raise PermissionDenied(_("Only the members of either side of the synergy can do this."))


def _notify(user: Any, synergy: Synergy, sides: Sides, step: str) -> None:
    enqueue_in_transaction(
        notify_synergy_step, synergy.pk, step, _actor_organisation(user, synergy, sides)
    )


def _done(synergy: Synergy) -> Synergy:
    synergy.refresh_from_db()
    return synergy


def open_discussion(user: Any, synergy: Synergy) -> Synergy:
    """Either side, or a coordinator, opens the discussion of a proposal."""
    sides = sides_of(user, synergy)
    _check_side(sides, coordinators=True)
    with transaction.atomic():
        locked = _locked(synergy, SynergyState.PROPOSED)
        locked.state = SynergyState.DISCUSSING
        locked.save(update_fields=["state", "updated_at"])
        _notify(user, locked, sides, "discussing")
    return _done(synergy)


def accept_synergy(user: Any, synergy: Synergy) -> Synergy:
    """A member accepts for their own side; once both sides have, the synergy is agreed.

    A coordinator never accepts on a firm's behalf. A member of both sides accepts for both.
    """
    sides = sides_of(user, synergy)
    if not sides.any:
        raise PermissionDenied(
            _("Only a member of the offering or the receiving organisation can accept for it.")
        )
    with transaction.atomic():
        locked = _locked(synergy, SynergyState.PROPOSED, SynergyState.DISCUSSING)
        already = (not sides.offer or locked.offer_accepted_at is not None) and (
            not sides.demand or locked.demand_accepted_at is not None
        )
        if already:
            raise SynergyConflict(_("Your side has already accepted this synergy."))
        now = timezone.now()
        if sides.offer and locked.offer_accepted_at is None:
            locked.offer_accepted_at = now
        if sides.demand and locked.demand_accepted_at is None:
            locked.demand_accepted_at = now
        step = "accepted"
        if locked.both_accepted:
            locked.state = SynergyState.AGREED
            locked.agreed_at = now
            step = "agreed"
        locked.save()
        _notify(user, locked, sides, step)
    return _done(synergy)


def decline_synergy(user: Any, synergy: Synergy, note: str = "") -> Synergy:
    """Either side declines a proposal or a discussion; it may be proposed again later."""
    sides = sides_of(user, synergy)
    _check_side(sides, coordinators=False)
    with transaction.atomic():
        locked = _locked(synergy, SynergyState.PROPOSED, SynergyState.DISCUSSING)
        _finish(locked, SynergyState.DECLINED, note)
        _notify(user, locked, sides, "declined")
    return _done(synergy)


def start_synergy(user: Any, synergy: Synergy) -> Synergy:
    """Either side says the exchanges have begun."""
    sides = sides_of(user, synergy)
    _check_side(sides, coordinators=False)
    with transaction.atomic():
        locked = _locked(synergy, SynergyState.AGREED)
        locked.state = SynergyState.RUNNING
        locked.started_at = timezone.now()
        locked.save()
        _notify(user, locked, sides, "running")
    return _done(synergy)


def end_synergy(user: Any, synergy: Synergy, note: str = "") -> Synergy:
    """Either side, or a coordinator, ends an agreed or running synergy."""
    sides = sides_of(user, synergy)
    _check_side(sides, coordinators=True)
    with transaction.atomic():
        locked = _locked(synergy, SynergyState.AGREED, SynergyState.RUNNING)
        _finish(locked, SynergyState.ENDED, note)
        _notify(user, locked, sides, "ended")
    return _done(synergy)


def _finish(locked: Synergy, state: str, note: str) -> None:
    """Declined or ended: the time it stopped, and the note saying why when one is given."""
    locked.state = state
    locked.ended_at = timezone.now()
    if note.strip():
        locked.note = note.strip()[:2000]
    locked.save()


def first_of_month(month: dt.date) -> dt.date:
    return month.replace(day=1)


def _clean_exchange(month: Any, quantity: Any, today: dt.date) -> tuple[dt.date, Decimal]:
    errors: dict[str, list[str]] = {}
    first = None
    if not isinstance(month, dt.date):
        errors["month"] = [_("Give the month as a date.")]
    else:
        first = first_of_month(month)
        if first > first_of_month(today):
            errors["month"] = [_("This month has not come yet: record it once it is over.")]
    amount = None
    try:
        amount = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        errors["quantity"] = [_("The quantity must be a number.")]
    if amount is not None:
        if not amount.is_finite():
            errors["quantity"] = [_("The quantity must be a number.")]
        elif amount < 0:
            errors["quantity"] = [_("The quantity cannot be negative.")]
        elif amount > MAX_QUANTITY:
            errors["quantity"] = [_("This quantity is too large.")]
        else:
            amount = amount.quantize(Decimal("0.001"))
    if errors or first is None or amount is None:
        raise ValidationError(errors)
    return first, amount


def record_exchange(
    user: Any, synergy: Synergy, month: dt.date, quantity: Any, *, today: dt.date | None = None
) -> SynergyExchange:
    """A side records the quantity exchanged in a month, in the synergy's unit.

    One row per month: recording a month again replaces its quantity. An agreed synergy
    starts running with its first record.
    """
    sides = sides_of(user, synergy)
    _check_side(sides, coordinators=False)
    first, amount = _clean_exchange(month, quantity, today or timezone.localdate())
    with transaction.atomic():
        locked = _locked(synergy, SynergyState.AGREED, SynergyState.RUNNING)
        if locked.state == SynergyState.AGREED:
            locked.state = SynergyState.RUNNING
            locked.started_at = timezone.now()
            locked.save()
            _notify(user, locked, sides, "running")
        else:
            # The exchanges feed the indicators: the synergy's last change is now.
            locked.save(update_fields=["updated_at"])
        row = SynergyExchange.objects.filter(synergy=locked, month=first).first()
        if row is None:
            row = SynergyExchange(synergy=locked, month=first)
        row.quantity = amount
        row.recorded_by = user
        row.save()
    synergy.refresh_from_db()
    return row


STEPS = {
    "discuss": open_discussion,
    "accept": accept_synergy,
    "decline": decline_synergy,
    "start": start_synergy,
    "end": end_synergy,
}

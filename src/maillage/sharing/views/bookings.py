"""Booking a machine, and my bookings with what I may do with each (cancel, move, check in/out).

Views shape input and show results; every write goes through `actions`, whose
ValidationErrors are shown beside the fields they name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.qualifications.equivalence import missing_trainings
from maillage.qualifications.models import TrainingSession
from maillage.sharing import pricing
from maillage.sharing.actions import bookings, usage
from maillage.sharing.forms import BookingForm, CancelForm, MoveForm, SlotForm, UsageForm
from maillage.sharing.models import Booking, BookingState, Mode, Offer
from maillage.sharing.permissions import is_bookable
from maillage.sharing.queries import bookings as queries
from maillage.sharing.queries import calendar as calendar_queries
from maillage.sharing.views.common import (
    acting_user,
    aware_datetime,
    back_url,
    error_text,
    form_errors,
    visible_machine,
)

BOOKING_ACTIONS = ("cancel", "move", "check_in", "check_out")


@dataclass
class TierPrice:
    tier: str
    label: str
    cents: int
    applies: bool


def _tier_prices(offer: Offer, applies: str) -> list[TierPrice]:
    return [
        TierPrice(tier, label, cents, tier == applies)
        for tier, label, cents in (
            (pricing.Tier.OWN, _("Own organisation"), offer.price_own_cents),
            (pricing.Tier.MEMBER, _("Network member"), offer.price_member_cents),
            (pricing.Tier.OUTSIDER, _("Outsider"), offer.price_outsider_cents),
        )
    ]


@login_required
def book(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = visible_machine(request, machine_id)
    actor = acting_user(request)
    now = timezone.now()
    offer = Offer.objects.filter(machine=machine).first()
    organisations = queries.booking_organisations(actor)
    default_org = next(
        (o for o in organisations if o.pk == machine.organisation_id),
        organisations[0] if organisations else None,
    )

    initial: dict[str, Any] = {}
    start, end = aware_datetime(request.GET.get("start")), aware_datetime(request.GET.get("end"))
    if start is not None:
        initial = SlotForm.initial_for(start, end if end and end > start else start)
        if not (end and end > start):
            del initial["end"]
    if default_org is not None:
        initial["booker_organisation"] = default_org.pk
    form = BookingForm(
        request.POST or None,
        initial=initial,
        organisations=organisations,
        safety_notes=offer.safety_notes if offer else "",
    )
    qualification_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        start, end = form.slot()
        try:
            booking = bookings.request_booking(
                actor,
                machine,
                start,
                end,
                booker_organisation=form.cleaned_data.get("booker_organisation"),
                note=form.cleaned_data["note"],
                safety_acknowledged=form.cleaned_data.get("safety_acknowledged", False),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                qualification_errors = exc.message_dict.get("qualification", [])
                rest = {k: v for k, v in exc.message_dict.items() if k != "qualification"}
                if rest:
                    add_action_errors(form, ValidationError(rest))
            else:
                add_action_errors(form, exc)
        else:
            if booking.state == BookingState.REQUESTED:
                messages.success(request, _("Request sent: the host will confirm or refuse it."))
            else:
                messages.success(request, _("Booking confirmed."))
            return redirect("sharing:my_bookings")

    missing = []
    required = []
    if offer is not None:
        required = list(offer.required_trainings.select_related("organisation", "trainer"))
        if offer.mode != Mode.WITH_OPERATOR:
            missing = [
                (m, list(TrainingSession.objects.filter(training=m.training, start__gt=now)[:3]))
                for m in missing_trainings(actor, offer, now)
            ]
    tier = pricing.tier_for(
        {default_org.pk} if default_org else set(), machine.organisation_id, bool(organisations)
    )
    return render(
        request,
        "sharing/book.html",
        {
            "machine": machine,
            "offer": offer,
            "bookable": is_bookable(machine, offer),
            "form": form,
            "prices": _tier_prices(offer, tier) if offer else [],
            "several_organisations": len(organisations) > 1,
            "required": required,
            "missing": missing,
            "qualification_errors": qualification_errors,
            "week": calendar_queries.week_label(
                calendar_queries.monday_of(
                    form.cleaned_data["date"]
                    if form.is_bound and form.is_valid()
                    else initial.get("date") or calendar_queries.local_today(now)
                )
            ),
        },
    )


@dataclass
class BookingRow:
    booking: Booking
    steps: set[str]
    cancel_form: CancelForm | None = None
    move_form: MoveForm | None = None
    usage_form: UsageForm | None = None


def booking_row(booking: Booking, user: User, host_ids: set[int], now: dt.datetime) -> BookingRow:
    is_host = booking.host_organisation_id in host_ids or permissions.is_coordinator(user)
    steps = queries.booking_steps(
        booking, is_booker=booking.booker_id == user.pk, is_host=is_host, now=now
    )
    key = f"b{booking.pk}-%s"
    return BookingRow(
        booking=booking,
        steps=steps,
        cancel_form=CancelForm(auto_id="cancel-" + key) if "cancel" in steps else None,
        move_form=MoveForm(
            auto_id="move-" + key, initial=SlotForm.initial_for(booking.start, booking.end)
        )
        if "move" in steps
        else None,
        usage_form=UsageForm(auto_id="usage-" + key) if "check_out" in steps else None,
    )


def _host_ids(user: User) -> set[int]:
    return {o.pk for o in queries.hosted_organisations(user)}


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    now = timezone.now()
    host_ids = _host_ids(actor)
    upcoming = [booking_row(b, actor, host_ids, now) for b in queries.upcoming_bookings(actor, now)]
    past = [booking_row(b, actor, host_ids, now) for b in queries.past_bookings(actor, now)[:100]]
    return render(
        request,
        "sharing/my_bookings.html",
        {"upcoming": upcoming, "past": past, "next": request.get_full_path()},
    )


@login_required
@require_POST
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    if action not in BOOKING_ACTIONS:
        raise Http404
    actor = acting_user(request)
    booking = get_object_or_404(queries.bookings_for_actor(actor), pk=booking_id)
    back = back_url(request, reverse("sharing:my_bookings"))
    form: forms.Form | None = None
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            bookings.cancel_booking(actor, booking, reason)
            done = _("Booking cancelled.")
        elif action == "move":
            form = MoveForm(request.POST)
            if not form.is_valid():
                raise form_errors(form)
            start, end = form.slot()
            booking = bookings.move_booking(actor, booking, start, end)
            done = (
                _("Booking moved; the host will confirm the new time.")
                if booking.state == BookingState.REQUESTED
                else _("Booking moved.")
            )
        elif action == "check_in":
            usage.check_in(actor, booking)
            done = _("Checked in.")
        else:
            form = UsageForm(request.POST)
            if not form.is_valid():
                raise form_errors(form)
            usage.check_out(actor, booking, form.to_input())
            done = _("Checked out: thank you for recording the use.")
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(request, done)
    return redirect(back)

"""Sharing pages: a machine's week, booking it, my bookings, the host's dashboard, the offer.

Views shape input and show results; every write goes through `actions` (or
`actions_exceptions`), whose ValidationErrors are shown beside the fields they name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.dates import in_window, window_message
from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineStatus
from maillage.equipment.queries import visible_machines
from maillage.sharing import actions, actions_exceptions, pricing, queries
from maillage.sharing.availability import PARIS
from maillage.sharing.forms import (
    BookingForm,
    CancelForm,
    DecideForm,
    DownForm,
    ExceptionForm,
    MoveForm,
    OfferForm,
    SlotForm,
    UsageForm,
    WindowFormSet,
)
from maillage.sharing.models import (
    AvailabilityException,
    Booking,
    Downtime,
    Mode,
    Offer,
    TrainingSession,
)
from maillage.sharing.qualifications import missing_trainings

BOOKING_ACTIONS = ("cancel", "move", "check_in", "check_out")


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: the page's `next` when it is on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _visible_machine(request: HttpRequest, machine_id: int) -> Machine:
    return get_object_or_404(
        visible_machines(request.user).select_related("organisation", "site"), pk=machine_id
    )


def _error_text(exc: ValidationError, form: forms.Form | None = None) -> str:
    """An action's (or a form's) errors as one message, each prefixed by its field's label."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts: list[str] = []
    for name, texts in exc.message_dict.items():
        field = form.fields.get(name) if form is not None else None
        for text in texts:
            if field is not None and field.label:
                text = _("%(field)s: %(message)s") % {"field": field.label, "message": text}
            parts.append(text)
    return " ".join(parts)


def _form_errors(form: forms.Form) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def _aware(value: str | None) -> dt.datetime | None:
    """An ISO datetime from a query string ("+01:00" may arrive as " 01:00"); naive = Paris."""
    if not value:
        return None
    text = value.strip()
    if " " in text[10:]:
        text = text[:10] + text[10:].replace(" ", "+")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if not in_window(parsed):
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=PARIS)
    return parsed


# --- the week calendar ---------------------------------------------------------------


def calendar(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    week = request.GET.get("week")
    monday = queries.parse_week(week)
    if monday is None:
        if week:
            # The current week is shown instead, and the visitor is told why.
            messages.warning(request, _("Week: %(hint)s") % {"hint": window_message()})
        monday = queries.monday_of(queries.local_today())
    context = {
        "machine": machine,
        "calendar": queries.week_calendar(machine, monday, request.user),
        "offer": Offer.objects.filter(machine=machine).first(),
        "now": timezone.now(),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "sharing/_calendar.html" if partial else "sharing/calendar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- booking a machine ---------------------------------------------------------------


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
    machine = _visible_machine(request, machine_id)
    actor = _actor(request)
    now = timezone.now()
    offer = Offer.objects.filter(machine=machine).first()
    organisations = queries.booking_organisations(actor)
    default_org = next(
        (o for o in organisations if o.pk == machine.organisation_id),
        organisations[0] if organisations else None,
    )

    initial: dict[str, Any] = {}
    start, end = _aware(request.GET.get("start")), _aware(request.GET.get("end"))
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
            booking = actions.request_booking(
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
            if booking.state == "requested":
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
            "bookable": offer is not None
            and offer.active
            and machine.status not in (MachineStatus.DOWN, MachineStatus.RETIRED),
            "form": form,
            "prices": _tier_prices(offer, tier) if offer else [],
            "several_organisations": len(organisations) > 1,
            "required": required,
            "missing": missing,
            "qualification_errors": qualification_errors,
            "week": queries.week_label(
                queries.monday_of(
                    form.cleaned_data["date"]
                    if form.is_bound and form.is_valid()
                    else initial.get("date") or queries.local_today(now)
                )
            ),
        },
    )


# --- my bookings ---------------------------------------------------------------------


@dataclass
class BookingRow:
    booking: Booking
    steps: set[str]
    cancel_form: CancelForm | None = None
    move_form: MoveForm | None = None
    usage_form: UsageForm | None = None


def _row(booking: Booking, user: User, host_ids: set[int], now: dt.datetime) -> BookingRow:
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
    actor = _actor(request)
    now = timezone.now()
    host_ids = _host_ids(actor)
    upcoming = [_row(b, actor, host_ids, now) for b in queries.upcoming_bookings(actor, now)]
    past = [_row(b, actor, host_ids, now) for b in queries.past_bookings(actor, now)[:100]]
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
    actor = _actor(request)
    booking = get_object_or_404(queries.bookings_for_actor(actor), pk=booking_id)
    back = _back(request, reverse("sharing:my_bookings"))
    form: forms.Form | None = None
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            actions.cancel_booking(actor, booking, reason)
            done = _("Booking cancelled.")
        elif action == "move":
            form = MoveForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
            start, end = form.slot()
            booking = actions.move_booking(actor, booking, start, end)
            done = (
                _("Booking moved; the host will confirm the new time.")
                if booking.state == "requested"
                else _("Booking moved.")
            )
        elif action == "check_in":
            actions.check_in(actor, booking)
            done = _("Checked in.")
        else:
            form = UsageForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
            actions.check_out(actor, booking, form.to_input())
            done = _("Checked out: thank you for recording the use.")
    except ValidationError as exc:
        messages.error(request, _error_text(exc, form))
    else:
        messages.success(request, done)
    return redirect(back)


# --- the host's dashboard ------------------------------------------------------------


@dataclass
class HostSection:
    board: queries.HostBoard
    requests: list[BookingRow]
    current: list[BookingRow]


@login_required
def host_dashboard(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    now = timezone.now()
    sections = []
    for organisation in queries.hosted_organisations(actor):
        board = queries.host_board(organisation, now)
        ids = {organisation.pk}
        sections.append(
            HostSection(
                board=board,
                requests=[_row(b, actor, ids, now) for b in board.requests],
                current=[_row(b, actor, ids, now) for b in board.current],
            )
        )
    return render(
        request,
        "sharing/host_dashboard.html",
        {"sections": sections, "next": request.get_full_path(), "down_form": DownForm()},
    )


@login_required
@require_POST
def decide(request: HttpRequest, booking_id: int) -> HttpResponse:
    actor = _actor(request)
    booking = get_object_or_404(queries.bookings_for_actor(actor), pk=booking_id)
    back = _back(request, reverse("sharing:host_dashboard"))
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _error_text(_form_errors(form), form))
        return redirect(back)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        actions.decide_booking(actor, booking, approve, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc, form))
    else:
        messages.success(request, _("Booking approved.") if approve else _("Booking refused."))
    return redirect(back)


# --- the host's offer, hours, closures, downtime -------------------------------------


@login_required
def offer_edit(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    if not permissions.can_host(request.user, machine.organisation):
        raise PermissionDenied
    actor = _actor(request)
    offer = Offer.objects.filter(machine=machine).first()
    required_ids = list(offer.required_trainings.values_list("pk", flat=True)) if offer else []
    trainings = queries.trainings_for_machine(machine, also=required_ids)
    section = request.POST.get("section") if request.method == "POST" else None

    offer_form = OfferForm(
        request.POST if section == "offer" else None,
        initial=OfferForm.initial_for(offer),
        trainings=trainings,
    )
    hours = WindowFormSet(
        request.POST if section == "hours" else None,
        initial=[
            {"weekday": w.weekday, "start": w.start, "end": w.end}
            for w in machine.opening_windows.all()
        ],
        prefix="windows",
    )
    hours_errors: list[str] = []
    exception_form = ExceptionForm(request.POST if section == "closure" else None)

    if section == "offer" and offer_form.is_valid():
        try:
            actions.save_offer(actor, machine, offer_form.to_input())
        except ValidationError as exc:
            offer_form.add_action_errors(exc)
        else:
            messages.success(request, _("Sharing offer saved."))
            return redirect("sharing:offer_edit", machine.pk)
    elif section == "hours" and hours.is_valid():
        windows = [w for w in (f.to_input() for f in hours.forms) if w is not None]
        try:
            actions.set_opening_windows(actor, windows, machine=machine)
        except ValidationError as exc:
            hours_errors = exc.messages
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("sharing:offer_edit", machine.pk)
    elif section == "closure" and exception_form.is_valid():
        data = exception_form.cleaned_data
        try:
            actions_exceptions.add_exception(
                actor, machine, data["kind"], data["start"], data["end"], data["reason"]
            )
        except ValidationError as exc:
            add_action_errors(exception_form, exc)
        else:
            messages.success(request, _("Closure saved."))
            return redirect("sharing:offer_edit", machine.pk)
    elif section == "remove_closure":
        try:
            exception_id = int(request.POST.get("exception", ""))
        except ValueError:
            raise Http404 from None
        exception = get_object_or_404(AvailabilityException, pk=exception_id, machine=machine)
        actions_exceptions.remove_exception(actor, exception)
        messages.success(request, _("Closure removed."))
        return redirect("sharing:offer_edit", machine.pk)

    now = timezone.now()
    return render(
        request,
        "sharing/offer_edit.html",
        {
            "machine": machine,
            "offer": offer,
            "offer_form": offer_form,
            "hours": hours,
            "hours_errors": hours_errors,
            "exception_form": exception_form,
            "exceptions": AvailabilityException.objects.filter(
                machine=machine, end__gte=now
            ).order_by("start"),
            "site_windows": machine.site.opening_windows.all()
            if not machine.opening_windows.exists()
            else [],
            "downtime": Downtime.objects.filter(machine=machine, end__isnull=True).first(),
            "down_form": DownForm(),
            "is_down": machine.status == MachineStatus.DOWN,
        },
    )


@login_required
@require_POST
def machine_down(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    back = _back(request, reverse("sharing:offer_edit", args=[machine.pk]))
    form = DownForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        actions.set_machine_down(_actor(request), machine, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc, form))
    else:
        messages.success(request, _("Machine set out of service; its bookers are told."))
    return redirect(back)


@login_required
@require_POST
def machine_up(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    actions.set_machine_up(_actor(request), machine)
    messages.success(request, _("Machine back in service."))
    return redirect(_back(request, reverse("sharing:offer_edit", args=[machine.pk])))

"""The host's dashboard: requests to decide, bookings in progress, machines down and up."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.sharing.actions import bookings, downtimes
from maillage.sharing.forms import DecideForm, DownForm
from maillage.sharing.queries import bookings as queries
from maillage.sharing.views.bookings import BookingRow, booking_row
from maillage.sharing.views.common import (
    acting_user,
    back_url,
    error_text,
    form_errors,
    visible_machine,
)


@dataclass
class HostSection:
    board: queries.HostBoard
    requests: list[BookingRow]
    current: list[BookingRow]


@login_required
def host_dashboard(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    now = timezone.now()
    sections = []
    for organisation in queries.hosted_organisations(actor):
        board = queries.host_board(organisation, now)
        ids = {organisation.pk}
        sections.append(
            HostSection(
                board=board,
                requests=[booking_row(b, actor, ids, now) for b in board.requests],
                current=[booking_row(b, actor, ids, now) for b in board.current],
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
    actor = acting_user(request)
    booking = get_object_or_404(queries.bookings_for_actor(actor), pk=booking_id)
    back = back_url(request, reverse("sharing:host_dashboard"))
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return redirect(back)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        bookings.decide_booking(actor, booking, approve, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(request, _("Booking approved.") if approve else _("Booking refused."))
    return redirect(back)


@login_required
@require_POST
def machine_down(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = visible_machine(request, machine_id)
    back = back_url(request, reverse("sharing:offer_edit", args=[machine.pk]))
    form = DownForm(request.POST)
    try:
        if not form.is_valid():
            raise form_errors(form)
        downtimes.set_machine_down(acting_user(request), machine, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(request, _("Machine set out of service; its bookers are told."))
    return redirect(back)


@login_required
@require_POST
def machine_up(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = visible_machine(request, machine_id)
    downtimes.set_machine_up(acting_user(request), machine)
    messages.success(request, _("Machine back in service."))
    return redirect(back_url(request, reverse("sharing:offer_edit", args=[machine.pk])))

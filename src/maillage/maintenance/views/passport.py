"""Maintenance pages: the passport (and its printable version), second-hand machines, transfers."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory.models import Organisation, OrganisationStatus, User
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.maintenance.actions import transfers
from maillage.maintenance.actions.passport import set_privacy
from maillage.maintenance.models.passport import PassportField, Transfer, TransferKind
from maillage.maintenance.queries.passport import build_passport, can_manage, open_transfer
from maillage.maintenance.queries.transfers import (
    OfferFilters,
    offered_transfers,
    suggestions_for_user,
)
from maillage.sharing.forms import parse_euros
from maillage.sharing.queries.bookings import member_organisations


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _machine(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(
        visible_machines(request.user).select_related("organisation", "site"), pk=machine_id
    )
    return machine


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _context(request: HttpRequest, machine: Machine) -> dict[str, object]:
    transfer = open_transfer(machine)
    mine = [
        o
        for o in member_organisations(request.user)
        if o.status == OrganisationStatus.VALIDATED and o.pk != machine.organisation_id
    ]
    return {
        "machine": machine,
        "passport": build_passport(machine, request.user),
        "transfer": transfer,
        "can_manage": can_manage(request.user, machine),
        "my_organisations": mine,
        "passport_fields": PassportField.choices,
        "transfer_kinds": TransferKind.choices,
    }


def passport(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    return render(request, "maintenance/passport.html", _context(request, machine))


def passport_print(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    return render(request, "maintenance/passport_print.html", _context(request, machine))


@login_required
@require_POST
def privacy(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    try:
        set_privacy(_actor(request), machine, request.POST.getlist("private_fields"))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Privacy of the passport saved."))
    return redirect("maintenance:passport", machine.pk)


def _cents(text: str) -> int | None:
    try:
        return parse_euros(text)
    except ValueError:
        raise ValidationError({"asking_price_cents": _("Give a price in euros.")}) from None


@login_required
@require_POST
def transfer_new(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    try:
        data = transfers.TransferInput(
            kind=request.POST.get("kind", ""),
            asking_price_cents=_cents(request.POST.get("asking_price", "")),
            loan_until=_date(request.POST.get("loan_until", "")),
            description=request.POST.get("description", ""),
        )
        transfers.list_for_transfer(_actor(request), machine, data)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The machine is offered in the second-hand section."))
    return redirect("maintenance:passport", machine.pk)


def _date(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({"loan_until": _("Give a date.")}) from None


@login_required
@require_POST
def transfer_ask(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.select_related("machine"), pk=transfer_id)
    machine = _machine(request, transfer.machine_id)
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    try:
        transfers.ask_for_transfer(
            _actor(request), transfer, organisation, message=request.POST.get("message", "")
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Your request was sent to the owner."))
    return redirect("maintenance:passport", machine.pk)


DECISIONS = {
    "accept": transfers.accept_transfer,
    "refuse": transfers.refuse_request,
    "withdraw": transfers.withdraw_transfer,
}


@login_required
@require_POST
def transfer_decide(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.select_related("machine"), pk=transfer_id)
    machine = _machine(request, transfer.machine_id)
    action = DECISIONS.get(request.POST.get("decision", ""))
    if action is None:
        messages.error(request, _("Choose accept, refuse or withdraw."))
    else:
        try:
            action(_actor(request), transfer)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("maintenance:passport", machine.pk)


def second_hand(request: HttpRequest) -> HttpResponse:
    error = ""
    try:
        filters = OfferFilters.from_params(request.GET)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        filters = OfferFilters()
    page = Paginator(offered_transfers(filters).order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "maintenance/second_hand.html",
        {
            "page": page,
            "filters": filters,
            "error": error,
            "kinds": TransferKind.choices,
            "suggestions": suggestions_for_user(request.user),
        },
    )

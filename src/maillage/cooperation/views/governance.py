"""Running the network: members and fees, bodies and seats, documents, decisions; and a
decision's page, where a member organisation's admins vote for it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.actions import events as event_actions
from maillage.cooperation.actions import governance as actions
from maillage.cooperation.forms.events import EventForm
from maillage.cooperation.forms.governance import (
    BodyForm,
    DecisionForm,
    DocumentForm,
    EndForm,
    FeePaidForm,
    MemberForm,
    SeatForm,
    VoteForm,
)
from maillage.cooperation.models import BodySeat, Decision, DecisionState, Network, NetworkMember
from maillage.cooperation.queries import governance as queries
from maillage.cooperation.queries.network import can_run_network
from maillage.cooperation.views.network import the_network
from maillage.cooperation.views.results import result_rows
from maillage.core.forms import add_action_errors, input_from
from maillage.core.views import flash_outcome
from maillage.sharing.views.common import acting_user, error_text

FORMS: dict[str, Any] = {
    "member": MemberForm,
    "body": BodyForm,
    "seat": SeatForm,
    "document": DocumentForm,
    "decision": DecisionForm,
    "event": EventForm,
}
NEEDS_NETWORK = {"member", "seat", "document", "decision", "event"}


def _runner(request: HttpRequest) -> tuple[Network, Any]:
    found = the_network()
    if not can_run_network(request.user):
        raise PermissionDenied
    return found, acting_user(request)


def _form(name: str, network: Network, request: HttpRequest | None = None) -> forms.Form:
    kwargs: dict[str, Any] = {"network": network} if name in NEEDS_NETWORK else {}
    if request is not None:
        return FORMS[name](request.POST, request.FILES, prefix=name, **kwargs)  # type: ignore[no-any-return]
    return FORMS[name](prefix=name, **kwargs)  # type: ignore[no-any-return]


def _save(name: str, form: forms.Form, user: Any, network: Network) -> str:
    data = form.cleaned_data
    if name == "member":
        actions.add_member(
            user,
            network,
            data["organisation"],
            data["college"],
            data["start"],
            data["fee"],
            data["fee_paid_until"],
        )
        return _("%(name)s joined the network.") % {"name": data["organisation"].name}
    if name == "body":
        actions.create_body(user, network, data["kind"], data["name"])
        return _("Body created.")
    if name == "seat":
        seat = actions.SeatInput(
            organisation=data["organisation"],
            role=data["role"],
            start=data["start"],
            person=data["person"],
        )
        actions.add_seat(user, data["body"], seat)
        return _("Seat added.")
    if name == "document":
        document = actions.DocumentInput(
            kind=data["kind"],
            title=data["title"],
            date=data["date"],
            is_public=data["is_public"],
            body=data["body"],
        )
        actions.upload_document(user, network, document, data["file"])
        return _("Document uploaded.")
    if name == "event":
        event = event_actions.create_event(
            user, network, input_from(form, event_actions.EventInput)
        )
        return _("Event %(title)s planned.") % {"title": event.title}
    decision = decision_actions.DecisionInput(
        title=data["title"],
        meeting_date=data["meeting_date"],
        rule=data["rule"],
        text=data["text"],
        is_public=data["is_public"],
    )
    decision_actions.open_decision(user, data["body"], decision)
    return _("Decision opened to votes.")


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """One page for who runs the network; each form posts its name, and comes back with its
    errors beside its fields when refused."""
    found, user = _runner(request)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        name = request.POST.get("form", "")
        if name not in FORMS:
            raise Http404
        form = _form(name, found, request)
        if form.is_valid():
            try:
                messages.success(request, _save(name, form, user, found))
                return redirect(reverse("cooperation:network_manage") + f"#{name}s")
            except ValidationError as exc:
                add_action_errors(form, exc)
        bound[name] = form
    all_forms = {name: bound.get(name) or _form(name, found) for name in FORMS}
    members = found.members.select_related("organisation", "college").order_by(
        "end", "college__kind", "organisation__name"
    )
    status = 400 if bound else 200
    return render(
        request,
        "cooperation/network_manage.html",
        {
            "network": found,
            "forms": all_forms,
            "members": members,
            "bodies": queries.bodies_with_seats(found),
            "documents": found.documents.select_related("body"),
            "decisions": queries.decisions_of(found),
            "events": found.events.filter(end__gte=timezone.now()).order_by("start"),
            "fee_form": FeePaidForm(),
            "end_form": EndForm(),
        },
        status=status,
    )


def _row_action(request: HttpRequest, form_class: Any, run: Any, success: str) -> HttpResponse:
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors), form))
    else:
        flash_outcome(request, lambda: run(form.cleaned_data), success)
    return redirect(reverse("cooperation:network_manage") + "#members")


@login_required
@require_POST
def member_fee(request: HttpRequest, pk: int) -> HttpResponse:
    found, user = _runner(request)
    member = get_object_or_404(NetworkMember, network=found, pk=pk)
    return _row_action(
        request,
        FeePaidForm,
        lambda data: actions.record_fee_paid(user, member, data["fee_paid_until"]),
        _("Fee recorded."),
    )


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    found, user = _runner(request)
    member = get_object_or_404(NetworkMember, network=found, pk=pk)
    return _row_action(
        request,
        EndForm,
        lambda data: actions.end_membership(user, member, data["end"]),
        _("Membership ended."),
    )


@login_required
@require_POST
def seat_end(request: HttpRequest, pk: int) -> HttpResponse:
    found, user = _runner(request)
    seat = get_object_or_404(BodySeat, body__network=found, pk=pk)
    return _row_action(
        request,
        EndForm,
        lambda data: actions.end_seat(user, seat, data["end"]),
        _("Seat ended."),
    )


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = the_network()
    shown = get_object_or_404(queries.visible_decisions(request.user, found), pk=pk)
    voters = list(queries.votable_members(request.user, found))
    voted = dict(shown.votes.filter(member__in=voters).values_list("member_id", "choice"))
    form = VoteForm()
    if request.method == "POST":
        form = VoteForm(request.POST)
        if not request.user.is_authenticated:
            raise PermissionDenied
        if form.is_valid():
            member = get_object_or_404(NetworkMember, network=found, pk=form.cleaned_data["member"])
            try:
                decision_actions.cast_vote(
                    acting_user(request), shown, member, form.cleaned_data["choice"]
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The vote of %(name)s is recorded.") % {"name": member.organisation.name},
                )
                return redirect("cooperation:decision", pk=shown.pk)
    return render(
        request,
        "cooperation/decision.html",
        {
            "network": found,
            "decision": shown,
            "result": result_rows(shown),
            "is_open": shown.state == DecisionState.OPEN,
            "voters": [(m, voted.get(m.pk)) for m in voters],
            "form": form,
            "choices": VoteForm.base_fields["choice"].choices,  # type: ignore[attr-defined]
            "can_run": can_run_network(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def decision_close(request: HttpRequest, pk: int) -> HttpResponse:
    found, user = _runner(request)
    shown = get_object_or_404(Decision, body__network=found, pk=pk)
    flash_outcome(
        request,
        lambda: decision_actions.close_decision(user, shown),
        _("The vote is closed and its result recorded."),
    )
    return redirect("cooperation:decision", pk=shown.pk)

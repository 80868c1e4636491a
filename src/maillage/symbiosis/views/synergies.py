"""Synergy pages: the synergies of my organisations, one synergy with both declarations as the
viewer may read them, its transitions and its monthly exchanges."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.symbiosis.actions import synergies as actions
from maillage.symbiosis.confidentiality import order_of_magnitude
from maillage.symbiosis.forms.synergies import ExchangeForm, NoteForm
from maillage.symbiosis.models import Synergy, SynergyState
from maillage.symbiosis.queries import synergies as queries
from maillage.symbiosis.queries.visibility import audience_of, log_private_reads

SUCCESS = {
    "discuss": gettext_lazy("The discussion is open."),
    "accept": gettext_lazy("Your side accepted the synergy."),
    "decline": gettext_lazy("The synergy was declined."),
    "start": gettext_lazy("The synergy is running."),
    "end": gettext_lazy("The synergy has ended."),
}


@login_required
def synergy_list(request: HttpRequest) -> HttpResponse:
    # My organisations' synergies (every one for coordinators), the live ones first.
    audience = audience_of(request.user)
    synergies = list(queries.visible_synergies(request.user, audience).order_by("-updated_at"))
    live = [s for s in synergies if s.state not in (SynergyState.ENDED, SynergyState.DECLINED)]
    closed = [s for s in synergies if s not in live]
    waiting = {
        s.pk
        for s in live
        if s.state in (SynergyState.PROPOSED, SynergyState.DISCUSSING)
        and (
            (s.offer.organisation_id in audience.organisation_ids and s.offer_accepted_at is None)
            or (
                s.demand.organisation_id in audience.organisation_ids
                and s.demand_accepted_at is None
            )
        )
    }
    return render(
        request,
        "symbiosis/synergy_list.html",
        {"live": live, "closed": closed, "waiting": waiting, "audience": audience},
    )


def _timeline(synergy: Synergy) -> list[tuple[object, str]]:
    """The dated steps of the synergy, from its history and its timestamps."""
    steps: list[tuple[object, str]] = [(synergy.created_at, _("Proposed"))]
    discussing = (
        synergy.history.filter(state=SynergyState.DISCUSSING).order_by("history_date").first()
    )
    if discussing is not None:
        steps.append((discussing.history_date, _("Discussion opened")))
    if synergy.offer_accepted_at:
        steps.append((synergy.offer_accepted_at, _("Accepted by the offering side")))
    if synergy.demand_accepted_at:
        steps.append((synergy.demand_accepted_at, _("Accepted by the receiving side")))
    if synergy.agreed_at:
        steps.append((synergy.agreed_at, _("Agreed by both sides")))
    if synergy.started_at:
        steps.append((synergy.started_at, _("Exchanges started")))
    if synergy.ended_at:
        label = _("Declined") if synergy.state == SynergyState.DECLINED else _("Ended")
        steps.append((synergy.ended_at, label))
    return sorted(steps, key=lambda step: step[0])  # type: ignore[arg-type,return-value]


@login_required
def synergy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audience = audience_of(request.user)
    synergy = get_object_or_404(queries.visible_synergies(request.user, audience), pk=pk)
    offer, demand = queries.sides_views(synergy, audience)
    log_private_reads(request.user, queries.reads_of(offer, demand), "page", request.path)
    sides = actions.sides_of(request.user, synergy)
    exact = queries.exact_quantity_readable(synergy, audience, offer, demand)
    low, high = order_of_magnitude(float(synergy.quantity_per_year))
    co2 = synergy.co2_avoided_kg_per_year
    return render(
        request,
        "symbiosis/synergy.html",
        {
            "synergy": synergy,
            "offer": offer,
            "demand": demand,
            "unit": queries.unit_symbol(synergy.unit),
            "demand_unit": queries.unit_symbol(demand.unit),
            "offer_period": synergy.offer.get_period_display(),
            "demand_period": synergy.demand.get_period_display(),
            "offer_hidden": len(offer.readable) < len(queries.GROUPS),
            "demand_hidden": len(demand.readable) < len(queries.GROUPS),
            "magnitude": f"{low:,.0f}–{high:,.0f}".replace(",", "\u202f"),
            "co2_tonnes": None if co2 is None else co2 / 1000.0,
            "exact": exact,
            "estimates": queries.estimates_readable(synergy, audience),
            "distance": queries.shown_distance(synergy, audience),
            "sides": sides,
            "steps": actions.allowed_steps(request.user, synergy),
            "timeline": _timeline(synergy),
            "exchanges": queries.exchanges_of(synergy),
            "may_record": sides.any
            and synergy.state in (SynergyState.AGREED, SynergyState.RUNNING),
            "exchange_form": ExchangeForm(),
            "note_form": NoteForm(),
        },
    )


@login_required
@require_POST
def synergy_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    step = actions.STEPS.get(action)
    if step is None:
        raise Http404
    synergy = get_object_or_404(queries.visible_synergies(request.user), pk=pk)
    note = NoteForm(request.POST)
    text = note.cleaned_data["note"] if note.is_valid() else ""
    try:
        if action in ("decline", "end"):
            actions.STEPS[action](request.user, synergy, text)  # type: ignore[call-arg]
        else:
            step(request.user, synergy)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except actions.SynergyConflict as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(SUCCESS[action]))
    return redirect("symbiosis:synergy", pk=synergy.pk)


@login_required
@require_POST
def record_exchange(request: HttpRequest, pk: int) -> HttpResponse:
    synergy = get_object_or_404(queries.visible_synergies(request.user), pk=pk)
    form = ExchangeForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(
                request,
                _("%(field)s: %(errors)s")
                % {"field": label, "errors": " ".join(str(e) for e in errors)},
            )
        return redirect("symbiosis:synergy", pk=synergy.pk)
    try:
        row = actions.record_exchange(
            request.user, synergy, form.cleaned_data["month"], form.cleaned_data["quantity"]
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(month)s recorded: %(quantity)s %(unit)s.")
            % {
                "month": row.month.strftime("%m/%Y"),
                "quantity": f"{row.quantity.normalize():f}".replace(".", ","),
                "unit": queries.unit_symbol(synergy.unit),
            },
        )
    return redirect("symbiosis:synergy", pk=synergy.pk)

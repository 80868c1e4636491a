"""Reusable containers pages: the loops, a loop with its indicators, stocks and rounds, a round's
map; creating and editing a loop, its members. Everyone reads a loop and its indicators; stocks
and rounds stay with the loop's people; the loop itself with its organisation's admins and the
coordinators."""

from __future__ import annotations

import json
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from maillage.core.forms import input_from
from maillage.core.views import flash_outcome, save_form
from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
    Site,
)
from maillage.directory.queries import visible_organisations
from maillage.sharing.views.common import acting_user, error_text, form_errors
from maillage.symbiosis import routing
from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.forms.loops import LoopForm, MemberForm, MonthForm, RoundForm, StockForm
from maillage.symbiosis.models import (
    CollectionRound,
    ContainerLoop,
    LoopMember,
    LoopRole,
    RoundState,
)
from maillage.symbiosis.queries import loops as queries

UNKNOWN = "—"


def number(value: float | None, places: int = 0) -> str:
    if value is None:
        return UNKNOWN
    if math.isinf(value):
        return "∞"
    return str(number_format(round(value, places), places, force_grouping=True))


def percent(fraction: float | None) -> str:
    if fraction is None:
        return UNKNOWN
    return _("%(value)s %%") % {"value": number(fraction * 100, 0)}


def km(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    if math.isinf(value):
        return _("any distance")
    return _("%(km)s km") % {"km": number(value, 1 if value < 100 else 0)}


def kg_per_use(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    return _("%(kg)s kg CO2e per use") % {"kg": number(value, 2)}


REASONS = {
    routing.NO_ROOM: gettext_lazy("no room left in the van"),
    routing.TOO_BIG: gettext_lazy("more crates than the van holds"),
    routing.NO_LOCATION: gettext_lazy("the site has no location"),
}


FACTOR_LABELS = {
    "glass_production": gettext_lazy("Making the glass"),
    "glass_end_of_life": gettext_lazy("End of life of the glass"),
    "washing": gettext_lazy("Washing a bottle"),
    "transport": gettext_lazy("Road transport"),
    "crate_per_container": gettext_lazy("Crate per bottle"),
}
FACTOR_UNITS = {
    "glass_production": gettext_lazy("kg CO2e per kg of glass"),
    "glass_end_of_life": gettext_lazy("kg CO2e per kg of glass"),
    "washing": gettext_lazy("kg CO2e per bottle washed"),
    "transport": gettext_lazy("kg CO2e per t.km"),
    "crate_per_container": gettext_lazy("kg per bottle"),
}


def _indicators(loop: ContainerLoop) -> dict[str, Any]:
    fig = queries.figures(loop)
    ind = fig.indicators
    per_year = round(ind.filled_per_year or 0)
    uses = ind.average_uses
    even = fig.break_even_uses
    return {
        "figures": fig,
        "circulation": number(loop.containers_in_circulation),
        "per_year": ngettext("%(n)s bottle/year", "%(n)s bottles/year", per_year)
        % {"n": number(per_year)},
        "rotations": number(ind.rotations_per_year, 1),
        "return_rate": percent(ind.return_rate),
        "breakage": percent(ind.breakage_rate),
        "uses": number(uses, 1),
        "distance": km(fig.distance_km),
        "reusable": kg_per_use(fig.reusable_kg),
        "single_use": kg_per_use(fig.single_use_kg),
        "saving": percent(fig.saving),
        "break_even_uses": number(math.ceil(even) if even is not None else None),
        "break_even_km": km(fig.break_even_km),
        "factors": [
            {
                "label": FACTOR_LABELS.get(f.key, f.key),
                "value": number(f.value, 3).rstrip("0").rstrip(",."),
                "unit": FACTOR_UNITS.get(f.key, f.unit),
                "source": f.source,
            }
            for f in fig.factors
        ],
    }


def loop_list(request: HttpRequest) -> HttpResponse:
    chosen = Organisation.objects.filter(slug=request.GET.get("organisation", "")).first()
    if chosen is not None and request.user.is_authenticated:  # a coordinator's choice
        return redirect("symbiosis:loop_new", slug=chosen.slug)
    rows = []
    for loop in queries.loops_list():
        fig = queries.figures(loop)
        rows.append(
            {
                "loop": loop,
                "shops": loop.members.filter(role="shop", active=True).count(),
                "per_year": number(fig.indicators.filled_per_year),
                "return_rate": percent(fig.indicators.return_rate),
            }
        )
    context: dict[str, Any] = {"rows": rows, **_creation(request)}
    return render(request, "symbiosis/loops.html", context)


def _creation(request: HttpRequest) -> dict[str, Any]:
    """Where "Create a loop" leads: the organisations the person runs, or any for a coordinator."""
    user = request.user
    if not user.is_authenticated:
        return {}
    memberships = Membership.objects.filter(user=user, state=MembershipState.ACTIVE)
    admin_of = list(
        Organisation.objects.filter(
            pk__in=memberships.filter(role=Role.ADMIN).values("organisation_id")
        ).order_by("name")
    )
    coordinator = permissions.is_coordinator(user)
    return {
        "create_for": admin_of,
        "create_any": coordinator,
        "all_organisations": (
            Organisation.objects.filter(status=OrganisationStatus.VALIDATED).order_by("name")
            if coordinator
            else []
        ),
        "member_only": not admin_of and not coordinator and memberships.exists(),
    }


def _loop(slug: str) -> ContainerLoop:
    return get_object_or_404(ContainerLoop.objects.select_related("organisation"), slug=slug)


def _managed(request: HttpRequest, slug: str) -> ContainerLoop:
    loop = _loop(slug)
    if not queries.can_manage(request.user, loop):
        raise PermissionDenied(
            _("Only the loop's organisation admins and coordinators may do this.")
        )
    return loop


@login_required
def loop_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new loop run by the organisation; a coordinator picks it on the loops page."""
    organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    actor = acting_user(request)
    if not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins and coordinators may do this."))
    form = LoopForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: actions.create_loop(actor, organisation, input_from(form, actions.LoopInput)),
        _("Loop created: add its washing centre, producers and shops."),
    )
    if saved is not None:
        return redirect("symbiosis:loop_members", slug=saved.slug)
    context = {"form": form, "organisation": organisation, "title": _("Create a loop")}
    return render(request, "symbiosis/loop_form.html", context)


@login_required
def loop_edit(request: HttpRequest, slug: str) -> HttpResponse:
    loop = _managed(request, slug)
    actor = acting_user(request)
    form = LoopForm(request.POST or None, initial=LoopForm.initial_of(loop))
    saved = save_form(
        request,
        form,
        lambda: actions.update_loop(actor, loop, input_from(form, actions.LoopInput)),
        _("Loop saved."),
    )
    if saved is not None:
        return redirect("symbiosis:loop", slug=saved.slug)
    context = {
        "form": form,
        "organisation": loop.organisation,
        "loop": loop,
        "title": _("Edit the loop"),
    }
    return render(request, "symbiosis/loop_form.html", context)


MAX_CHOICES = 200


def _member_form(data: Any, search: str) -> MemberForm:
    """The add form; a page lists the organisations matching the search, a POST takes any."""
    orgs = Organisation.objects.filter(status=OrganisationStatus.VALIDATED).order_by("name")
    if data is None:
        if search:
            orgs = orgs.filter(name__icontains=search)
        orgs = orgs[:MAX_CHOICES]
    found = list(orgs)
    sites = Site.objects.filter(organisation__in=found).order_by("-is_main", "name", "pk")
    grouped: dict[int, list[tuple[int, str]]] = {o.pk: [] for o in found}
    owner: dict[int, int] = {}
    for site in sites:
        label = site.name or _("Main site")
        if site.city:
            label = f"{label} — {site.city}"
        grouped[site.organisation_id].append((site.pk, label))
        owner[site.pk] = site.organisation_id
    return MemberForm(
        data,
        organisations=[(o.pk, o.name) for o in found],
        sites=[(o.name, grouped[o.pk]) for o in found if grouped[o.pk]],
        site_owner=owner,
        roles=[(value, str(label)) for value, label in LoopRole.choices],
    )


@login_required
def loop_members(request: HttpRequest, slug: str) -> HttpResponse:
    """The members, each with a remove button; a form to add a site with its role."""
    loop = _managed(request, slug)
    actor = acting_user(request)
    if request.method == "POST" and request.POST.get("remove"):
        try:
            member = get_object_or_404(LoopMember, loop=loop, pk=int(request.POST["remove"]))
        except ValueError:
            raise Http404 from None
        name = str(member.site.name or member.organisation)
        flash_outcome(
            request,
            lambda: actions.remove_member(actor, member),
            _("%(name)s has left the loop.") % {"name": name},
        )
        return redirect("symbiosis:loop_members", slug=loop.slug)
    search = request.GET.get("q", "").strip()[:100]
    form = _member_form(request.POST if request.method == "POST" else None, search)

    def add() -> LoopMember:
        site = Site.objects.select_related("organisation").get(pk=form.cleaned_data["site"])
        return actions.add_member(actor, loop, site, form.cleaned_data["role"])

    saved = save_form(request, form, add, _("Member added."))
    if saved is not None:
        return redirect("symbiosis:loop_members", slug=loop.slug)
    members = loop.members.filter(active=True).select_related("organisation", "site")
    context = {"loop": loop, "form": form, "members": members, "search": search}
    return render(request, "symbiosis/loop_members.html", context)


def loop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    loop = _loop(slug)
    user = request.user
    own = list(queries.own_members(user, loop))
    stock_form = StockForm()
    stock_form.fields["member"].choices = [(m.pk, str(m.site.name or m.organisation)) for m in own]  # type: ignore[attr-defined]
    months = [
        {
            "month": m["month"],
            "filled": number(m["month"].filled),
            "sold": number(m["month"].sold),
            "returned": number(m["month"].returned),
            "broken": number(m["month"].broken),
            "rate": percent(m["return_rate"]),
        }
        for m in queries.months_table(loop)
    ]
    members = loop.members.filter(active=True).select_related("organisation", "site")
    context = {
        "loop": loop,
        "ind": _indicators(loop),
        "months": months,
        "members": members,
        "reports": list(queries.visible_reports(user, loop)[:40]),
        "insider": queries.is_insider(user, loop),
        "runs_rounds": queries.can_run_rounds(user, loop),
        "rounds": list(queries.visible_rounds(user, loop)[:10]),
        "own": own,
        "stock_form": stock_form,
        "round_form": RoundForm(),
        "manages": queries.can_manage(user, loop),
        "month_form": MonthForm(),
    }
    return render(request, "symbiosis/loop.html", context)


@login_required
@require_POST
def loop_stock(request: HttpRequest, slug: str) -> HttpResponse:
    loop = _loop(slug)
    actor = acting_user(request)
    own = {m.pk: m for m in queries.own_members(actor, loop)}
    if not own:
        raise PermissionDenied(_("Only the shop's members report its stock."))
    form = StockForm(request.POST)
    form.fields["member"].choices = [(pk, str(pk)) for pk in own]  # type: ignore[attr-defined]
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return redirect("symbiosis:loop", slug=loop.slug)
    data = form.cleaned_data
    try:
        actions.report_stock(
            actor, own[data["member"]], data["empty_crates"], data["full_crates_wanted"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        crates = data["empty_crates"]
        messages.success(
            request,
            ngettext(
                "Stock reported: %(n)s crate of empties.",
                "Stock reported: %(n)s crates of empties.",
                crates,
            )
            % {"n": crates},
        )
    return redirect("symbiosis:loop", slug=loop.slug)


@login_required
@require_POST
def loop_month(request: HttpRequest, slug: str) -> HttpResponse:
    loop = _loop(slug)
    actor = acting_user(request)
    if not queries.can_manage(actor, loop):
        raise PermissionDenied(
            _("Only the loop's organisation admins and coordinators may do this.")
        )
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return redirect("symbiosis:loop", slug=loop.slug)
    try:
        found = actions.record_loop_month(actor, loop, input_from(form, actions.MonthInput))
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(
            request, _("Month recorded: %(month)s.") % {"month": date_format(found.month, "F Y")}
        )
    return redirect("symbiosis:loop", slug=loop.slug)


@login_required
@require_POST
def loop_round_new(request: HttpRequest, slug: str) -> HttpResponse:
    loop = _loop(slug)
    actor = acting_user(request)
    if not queries.can_run_rounds(actor, loop):
        raise PermissionDenied(_("Only the loop's hub and washing centre plan its rounds."))
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return redirect("symbiosis:loop", slug=loop.slug)
    try:
        found = actions.plan_round(
            actor, loop, form.cleaned_data["planned_for"], trips=form.cleaned_data["trips"] or 1
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
        return redirect("symbiosis:loop", slug=loop.slug)
    messages.success(request, _("Round planned: %(km)s.") % {"km": km(found.distance_km)})
    return redirect("symbiosis:loop_round", slug=loop.slug, pk=found.pk)


def _round(request: HttpRequest, slug: str, pk: int) -> CollectionRound:
    loop = _loop(slug)
    found = get_object_or_404(queries.visible_rounds(request.user, loop), pk=pk)
    return found


@login_required
def loop_round(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _round(request, slug, pk)
    loop = found.loop
    stops, left = queries.round_stops(found)
    depot = queries.washer(loop)
    points: dict[str, Any] = {"depot": None, "stops": []}
    if depot is not None:
        points["depot"] = {
            "name": str(depot.site.name or depot.organisation),
            "lat": depot.site.latitude,
            "lon": depot.site.longitude,
        }
    rows = []
    for stop in stops:
        name = str(stop.member.site.name or stop.member.organisation) if stop.member else "?"
        if stop.member is not None:
            points["stops"].append(
                {
                    "order": stop.order,
                    "name": name,
                    "lat": stop.member.site.latitude,
                    "lon": stop.member.site.longitude,
                    "trip": stop.trip,
                }
            )
        rows.append(
            {
                "stop": stop,
                "name": name,
                "commune": stop.member.site.city if stop.member else "",
                "km": km(stop.km_from_previous),
            }
        )
    unserved = [
        {
            "name": str(m.site.name or m.organisation) if m else "?",
            "reason": REASONS.get(reason, reason),
        }
        for m, reason in left
    ]
    context = {
        "loop": loop,
        "round": found,
        "rows": rows,
        "unserved": unserved,
        "total_km": km(found.distance_km),
        "points": json.dumps(points),
        "can_close": found.state == RoundState.PLANNED
        and queries.can_run_rounds(request.user, loop),
        "several_trips": len({s.trip for s in stops}) > 1,
        "pickups": sum(s.pickup for s in stops),
        "deliveries": sum(s.delivery for s in stops),
    }
    return render(request, "symbiosis/loop_round.html", context)


@login_required
@require_POST
def loop_round_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The round was driven, or, with `cancel` posted, it will not be."""
    found = _round(request, slug, pk)
    actor = acting_user(request)
    try:
        if request.POST.get("cancel"):
            actions.cancel_round(actor, found)
            text = _("Round cancelled: the reported stocks remain to collect.")
        else:
            actions.close_round(actor, found)
            text = _("Round closed: the reported stocks are collected.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, text)
    return redirect("symbiosis:loop_round", slug=slug, pk=pk)

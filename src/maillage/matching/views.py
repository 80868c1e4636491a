"""Matching pages: "J'ai besoin de…", my needs, unmet demand, batch allocation runs."""

from __future__ import annotations

import csv
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import ngettext

from maillage.core.carbon import VAN_EUR_PER_KM, VAN_KG_CO2_PER_KM
from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.matching import queries
from maillage.matching.actions.batches import submit_batch
from maillage.matching.actions.needs import find_machines
from maillage.matching.forms import BatchForm, NeedForm, UnmetFilterForm
from maillage.matching.models import AllocationRun, Need

TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# The same search sent again (a reload, the back button) within this time is not recorded twice.
SAME_SEARCH_S = 30 * 60
LAST_SEARCH_KEY = "matching.last_search"


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _coordinator(request: HttpRequest) -> None:
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied


# --- "J'ai besoin de…" ---------------------------------------------------------------


def _search_key(request: HttpRequest) -> str:
    return urlencode(sorted((k, v) for k, v in request.GET.items() if k != "page"))


def _recent_need(request: HttpRequest, key: str) -> Need | None:
    """The need this very search recorded a moment ago, if any."""
    last = request.session.get(LAST_SEARCH_KEY)
    if not isinstance(last, dict) or last.get("q") != key:
        return None
    if time.time() - float(last.get("at", 0)) > SAME_SEARCH_S:
        return None
    need_id = last.get("need")
    if not isinstance(need_id, int):
        return None
    return Need.objects.filter(pk=need_id, requester=_actor(request)).first()


def need(request: HttpRequest) -> HttpResponse:
    searched = "process" in request.GET
    form = NeedForm(request.GET if searched else None)
    context: dict[str, Any] = {
        "form": form,
        "searched": False,
        "tiles_url": TILES_URL,
        # The rates the cost and CO2 columns use, shown beside them.
        "van_eur_per_km": VAN_EUR_PER_KM,
        "van_kg_co2_per_km": VAN_KG_CO2_PER_KM,
    }
    if searched and form.is_valid():
        data = form.to_input()
        key = _search_key(request)
        recorded = _recent_need(request, key) if request.user.is_authenticated else None
        try:
            new_need, matches = find_machines(
                request.user,  # type: ignore[arg-type]
                data,
                record=recorded is None,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            found = new_need or recorded
            if new_need is not None:
                request.session[LAST_SEARCH_KEY] = {
                    "q": key,
                    "need": new_need.pk,
                    "at": time.time(),
                }
            rows = queries.result_rows(matches, data.hours)
            point = queries.search_point(found, data)
            context.update(
                searched=True,
                need=found,
                rows=rows,
                hours=Decimal(str(data.hours).replace(",", ".")),
                outcome=None if rows else queries.unmet_outcome(found, data),
                map_data=queries.results_geojson(rows, point, data.max_km),
                login_url=f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}",
            )
    return render(request, "matching/need.html", context)


@login_required
def my_needs(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.needs_of(_actor(request)), 50).get_page(request.GET.get("page"))
    rows = [(n, queries.search_again_query(n), queries.reason_label(n.unmet_reason)) for n in page]
    return render(
        request,
        "matching/my_needs.html",
        {"page": page, "rows": rows, "is_coordinator": permissions.is_coordinator(request.user)},
    )


# --- unmet demand (coordinators) -----------------------------------------------------


def _unmet_filter(request: HttpRequest) -> tuple[UnmetFilterForm, Any]:
    bound = any(k in request.GET for k in ("since", "until"))
    form = UnmetFilterForm(request.GET if bound else None)
    if not bound:
        since, until = form.period()
        form = UnmetFilterForm(initial={"since": since, "until": until})
    else:
        since, until = form.period()
    return form, queries.unmet_needs(since, until)


def _period_query(request: HttpRequest, form: UnmetFilterForm) -> str:
    if form.is_bound:
        return urlencode({k: request.GET.get(k, "") for k in ("since", "until")})
    since = form.initial.get("since")
    return urlencode({"since": since.isoformat() if since else "", "until": ""})


@login_required
def unmet(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    form, needs = _unmet_filter(request)
    rows = queries.unmet_table(needs)
    period = _period_query(request, form)
    return render(
        request,
        "matching/unmet.html",
        {
            "form": form,
            "rows": rows,
            "total": sum(r.count for r in rows),
            "period_query": period,
            "geojson_url": f"{reverse('matching:unmet_geojson')}?{period}",
            "tiles_url": TILES_URL,
        },
    )


@login_required
def unmet_geojson(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    _form, needs = _unmet_filter(request)
    return JsonResponse(
        queries.unmet_geojson(needs, settings.MAP_MAX_POINTS),
        content_type="application/geo+json",
    )


@login_required
def unmet_csv(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    _form, needs = _unmet_filter(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmet-demand.csv"'
    response.write("\ufeff")  # so that spreadsheets read the accents
    writer = csv.writer(response)
    writer.writerow(
        [
            "process_code",
            "process",
            "department_code",
            "department",
            "unmet_needs",
            "main_reason",
            "reasons",
        ]
    )
    for row in queries.unmet_table(needs):
        writer.writerow(
            [
                row.process_code,
                row.process_label,
                row.department_code,
                row.department_name,
                row.count,
                row.reason,
                "; ".join(f"{code}={n}" for code, _label, n in row.reasons),
            ]
        )
    return response


# --- batches (coordinators) ------------------------------------------------------------


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    page = Paginator(queries.batch_runs(), 30).get_page(request.GET.get("page"))
    return render(request, "matching/batches.html", {"page": page})


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = submit_batch(
                _actor(request),
                form.cleaned_data["title"],
                form.parsed.needs,
                time_limit_s=form.cleaned_data["time_limit_s"],
                co2_price_cents_per_kg=form.cleaned_data["co2_price_cents_per_kg"],
            )
        except ValidationError as exc:
            form.add_batch_errors(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s need recorded; the allocation runs in the background.",
                    "%(n)s needs recorded; the allocation runs in the background.",
                    len(form.parsed.needs),
                )
                % {"n": len(form.parsed.needs)},
            )
            return redirect("matching:batch", run_id=run.pk)
    return render(request, "matching/batch_new.html", {"form": form})


@login_required
def batch_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _coordinator(request)
    run = get_object_or_404(AllocationRun.objects.select_related("created_by"), pk=run_id)
    lines = queries.batch_lines(run) if run.state == AllocationRun.State.DONE else []
    context = {
        "run": run,
        "lines": lines,
        "allocated": sum(1 for line in lines if line.need.allocated_machine_id),
        "running": run.state in (AllocationRun.State.QUEUED, AllocationRun.State.RUNNING),
        "need_count": run.needs.count(),
        "gap_percent": run.gap * 100 if run.gap is not None else None,
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    template = "matching/_batch_status.html" if partial else "matching/batch.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response

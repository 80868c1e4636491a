"""The coordinators' reliability table: per machine and per process across the territory."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.maintenance.queries import plans as queries

PER_PAGE = 50
SORTS = ("-failures", "failures", "mtbf", "-mtbf", "rate", "-rate")


@login_required
def reliability_table(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "-failures")
    if sort not in SORTS:
        sort = "-failures"
    by = "process" if request.GET.get("by") == "process" else "machine"
    rows = (
        queries.reliability_by_process(request.user, sort)
        if by == "process"
        else queries.reliability_by_machine(request.user, sort)
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "maintenance/reliability.html",
        {
            "page": page,
            "by": by,
            "sort": sort,
            "filters_query": f"by={by}&sort={sort}",
        },
    )

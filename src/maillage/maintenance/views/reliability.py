"""The coordinators' reliability table: per machine and per process across the territory."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.maintenance.queries import plans as queries


@login_required
def reliability_table(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", queries.DEFAULT_SORT)
    if sort not in queries.RELIABILITY_SORTS:
        sort = queries.DEFAULT_SORT
    by = "process" if request.GET.get("by") == "process" else "machine"
    process = request.GET.get("process", "").strip()[:30]
    department = request.GET.get("department", "").strip()[:3]
    page = queries.reliability_page(
        request.user,
        by=by,
        sort=sort,
        page=request.GET.get("page"),
        process=process,
        department=department,
    )
    filters = urlencode({"process": process, "department": department})
    return render(
        request,
        "maintenance/reliability.html",
        {
            "page": page,
            "by": by,
            "sort": sort,
            "process": process,
            "department": department,
            "filters": filters,
            "filters_query": f"by={by}&sort={sort}&{filters}",
        },
    )

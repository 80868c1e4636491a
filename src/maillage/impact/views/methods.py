"""Method pages, public: what each indicator measures, its formula, sources and limits, and the
factors it reads as they stand today (value, version, status), each linked to its history."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.impact import methods
from maillage.impact.queries.factors import current_factors
from maillage.impact.views.factors import factor_rows


def method_index(request: HttpRequest) -> HttpResponse:
    return render(request, "impact/methods.html", {"methods": list(methods.METHODS.values())})


def method_detail(request: HttpRequest, key: str) -> HttpResponse:
    method = methods.METHODS.get(key)
    if method is None:
        raise Http404
    return render(
        request,
        "impact/method.html",
        {
            "method": method,
            "body": f"impact/methods/{method.key}.html",
            "rows": factor_rows(methods.factors_of(method, current_factors())),
            "others": [other for other in methods.METHODS.values() if other.key != key],
        },
    )

"""The catalogue of open designs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.designs.models import Design


def index(request: HttpRequest) -> HttpResponse:
    designs = Design.objects.order_by("name")
    return render(request, "designs/index.html", {"designs": designs})

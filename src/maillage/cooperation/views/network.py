"""The network's public page: what the hub is, its members by college, its bodies."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.cooperation.queries.network import current_network


def network(request: HttpRequest) -> HttpResponse:
    found = current_network()
    if found is None:
        raise Http404
    return render(request, "cooperation/network.html", {"network": found})

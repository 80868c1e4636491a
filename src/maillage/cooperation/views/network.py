"""The network's public page: what the hub is, its members by college, its bodies, documents,
decisions and upcoming events; and a document's file, for those who may read it."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from maillage.cooperation.models import DecisionState, Network
from maillage.cooperation.queries import events as event_queries
from maillage.cooperation.queries import governance as queries
from maillage.cooperation.queries.network import can_run_network, current_network
from maillage.cooperation.views.results import result_rows


def the_network() -> Network:
    found = current_network()
    if found is None:
        raise Http404
    return found


def network(request: HttpRequest) -> HttpResponse:
    # A page for local authorities and universities as much as for the members.
    found = the_network()
    user = request.user
    member = queries.is_network_member(user, found)
    colleges = list(queries.colleges_with_counts(found))
    members = queries.current_members(found).select_related("organisation", "college")
    by_college: dict[int, list[Any]] = {c.pk: [] for c in colleges}
    for m in members.order_by("organisation__name"):
        by_college.setdefault(m.college_id, []).append(m.organisation)
    decisions = queries.visible_decisions(user, found)
    closed = [(d, result_rows(d)) for d in decisions.filter(state=DecisionState.CLOSED)[:10]]
    events = event_queries.upcoming(event_queries.visible_events(user, found))[:6]
    return render(
        request,
        "cooperation/network.html",
        {
            "network": found,
            "is_member": member,
            "can_run": can_run_network(user),
            "colleges": [(c, by_college.get(c.pk, [])) for c in colleges],
            "member_total": sum(queries.member_count(c) for c in colleges),
            "bodies": queries.bodies_with_seats(found),
            "show_people": member,
            "documents": queries.visible_documents(user, found)[:20],
            "closed_decisions": closed,
            "open_decisions": decisions.filter(state=DecisionState.OPEN) if member else [],
            "events": events,
        },
    )


def document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file, through the permission check: a private document is for the members only."""
    found = the_network()
    doc = get_object_or_404(queries.visible_documents(request.user, found), pk=pk)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = (doc.file.name or "document").rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=False, filename=name)
    response["Content-Type"] = doc.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response

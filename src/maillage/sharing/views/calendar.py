"""A machine's week: its openings, closures, downtimes and bookings (htmx swaps the week)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from maillage.core.dates import window_message
from maillage.sharing.models import Offer
from maillage.sharing.queries import calendar as calendar_queries
from maillage.sharing.views.common import visible_machine


def calendar(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = visible_machine(request, machine_id)
    week = request.GET.get("week")
    monday = calendar_queries.parse_week(week)
    if monday is None:
        if week:
            # The current week is shown instead, and the visitor is told why.
            messages.warning(request, _("Week: %(hint)s") % {"hint": window_message()})
        monday = calendar_queries.monday_of(calendar_queries.local_today())
    context = {
        "machine": machine,
        "calendar": calendar_queries.week_calendar(machine, monday, request.user),
        "offer": Offer.objects.filter(machine=machine).first(),
        "now": timezone.now(),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "sharing/_calendar.html" if partial else "sharing/calendar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response

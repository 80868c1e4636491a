"""The network's trainings catalogue: upcoming sessions of every organisation, book or wait."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation.actions import catalogue as actions
from maillage.cooperation.forms.skills import CatalogueFilterForm
from maillage.cooperation.queries.catalogue import (
    CatalogueFilters,
    catalogue_sessions,
    check_filters,
    places_left,
    waiting_names,
)
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.directory.queries import visible_organisations
from maillage.qualifications.models import TrainingSession

PAGE_SIZE = 50


def catalogue(request: HttpRequest) -> HttpResponse:
    organisations = [
        (o.slug, o.name)
        for o in visible_organisations(request.user)
        .filter(trainings__isnull=False)
        .distinct()
        .order_by("name")
    ]
    form = CatalogueFilterForm(request.GET or None, organisations=organisations)
    filters = CatalogueFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = CatalogueFilters(
            process=d["process"] or "",
            organisation=d["organisation"] or "",
            department=(d["department"] or "").strip().upper(),
            month=d["month"] or "",
        )
        for name, message in check_filters(request.user, filters).items():
            form.add_error(name, message)
    sessions = []
    page = None
    if not form.errors:
        page = Paginator(catalogue_sessions(request.user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        sessions = list(page.object_list)
        trains: dict[int, bool] = {}
        for session in sessions:
            session.places_left = places_left(session)  # type: ignore[attr-defined]
            organisation = session.training.organisation
            if organisation.pk not in trains:
                trains[organisation.pk] = permissions.can_train(request.user, organisation)
            waiting: Any = getattr(session, "waiting", None)
            if trains[organisation.pk] and waiting:
                # The organisation's trainers see who waits, in order.
                session.waiting_names = waiting_names(session)  # type: ignore[attr-defined]
    return render(
        request,
        "cooperation/trainings_catalogue.html",
        {"form": form, "sessions": sessions, "page": page},
    )


def _session_or_404(request: HttpRequest, session_id: int) -> TrainingSession:
    session = get_object_or_404(
        TrainingSession.objects.select_related("training__organisation"), pk=session_id
    )
    if not permissions.can_view_organisation(request.user, session.training.organisation):
        raise Http404
    return session


@login_required
@require_POST
def book(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(request, session_id)
    assert isinstance(request.user, User)
    try:
        outcome = actions.book(request.user, session)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        if outcome.state == actions.REGISTERED:
            messages.success(request, _("You are registered."))
        else:
            messages.success(
                request,
                _("The session is full: you are number %(n)s on the waiting list.")
                % {"n": outcome.position},
            )
    return redirect("cooperation:trainings_catalogue")


@login_required
@require_POST
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(request, session_id)
    assert isinstance(request.user, User)
    try:
        outcome = actions.cancel(request.user, session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if outcome.state == actions.CANCELLED:
            messages.success(request, _("Registration cancelled."))
        else:
            messages.success(request, _("You left the waiting list."))
    return redirect("cooperation:trainings_catalogue")

"""Symbiosis pages: a declaration's candidates and proposing a synergy from one of them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.views import flash_outcome
from maillage.directory import permissions
from maillage.symbiosis.actions.proposals import can_propose, propose_synergy
from maillage.symbiosis.models import Direction, ResourceDeclaration, VehicleClass
from maillage.symbiosis.queries import candidates as queries
from maillage.symbiosis.queries.visibility import audience_of, log_private_reads

METHODS = ("matching", "allocation", "savings")


def _declaration(pk: int) -> ResourceDeclaration:
    found: ResourceDeclaration = get_object_or_404(
        ResourceDeclaration.objects.select_related(
            "organisation", "site", "site__commune", "waste_code"
        ),
        pk=pk,
    )
    return found


def _may_see_candidates(user: object, declaration: ResourceDeclaration) -> bool:
    return permissions.is_coordinator(user) or (
        permissions.membership_of(user, declaration.organisation) is not None
    )


def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the declaring organisation and coordinators: the ranked counterparts."""
    declaration = _declaration(pk)
    if not _may_see_candidates(request.user, declaration):
        raise Http404(_("No such declaration."))
    found = queries.candidates_for(declaration, audience_of(request.user))
    log_private_reads(request.user, queries.private_reads(found), "page", request.path)
    return render(
        request,
        "symbiosis/candidates.html",
        {
            "declaration": declaration,
            "candidates": found,
            "is_offer": declaration.direction == Direction.OFFER,
            "vehicles": queries.VEHICLES,
        },
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@login_required
@require_POST
def propose(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Propose the synergy between a declaration and one of its candidates."""
    declaration, other = _declaration(pk), _declaration(other_pk)
    offer, demand = (
        (declaration, other) if declaration.direction == Direction.OFFER else (other, declaration)
    )
    if not can_propose(request.user, offer, demand):
        raise PermissionDenied(
            _("Only members of either organisation, or a coordinator, propose a synergy.")
        )
    back = _safe_next(request, reverse("symbiosis:candidates", args=[pk]))
    flash_outcome(
        request,
        lambda: propose_synergy(
            request.user,
            offer,
            demand,
            quantity_per_year=request.POST.get("quantity_per_year") or None,
            vehicle=request.POST.get("vehicle") or VehicleClass.RIGID,
        ),
        _("Synergy proposed: both organisations can now discuss it."),
    )
    return redirect(back)

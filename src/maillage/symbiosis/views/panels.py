"""What symbiosis shows on other apps' pages, through core.panels (registered in
`SymbiosisConfig.ready`): a line on the organisation page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from maillage.directory import permissions
from maillage.symbiosis.models import DeclarationState, Direction, ResourceDeclaration

ORGANISATION_PAGE = "directory.organisation"


def resources_on_organisation_page(request: HttpRequest, organisation: Any) -> str:
    """How many offers and demands the organisation has open, and where to declare (members)."""
    if organisation is None:
        return ""
    counts = ResourceDeclaration.objects.filter(
        organisation=organisation, state=DeclarationState.ACTIVE
    ).aggregate(
        offers=Count("pk", filter=Q(direction=Direction.OFFER)),
        demands=Count("pk", filter=Q(direction=Direction.DEMAND)),
    )
    member = permissions.membership_of(request.user, organisation) is not None
    if not member and not (counts["offers"] or counts["demands"]):
        return ""
    return render_to_string(
        "symbiosis/panels/organisation.html",
        {"organisation": organisation, "member": member, **counts},
        request=request,
    )

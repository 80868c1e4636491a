"""What designs shows on other apps' pages, through core.panels (registered in
`DesignsConfig.ready`): the designs an organisation built, on its page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from maillage.designs.queries.builds import builds_by_organisation

ORGANISATION_PAGE = "directory.organisation"


def builds_on_organisation_page(request: HttpRequest, organisation: Any) -> str:
    """The designs the organisation built or adapted (its private builds: members only)."""
    if organisation is None:
        return ""
    builds = list(builds_by_organisation(request.user, organisation)[:50])
    if not builds:
        return ""
    return render_to_string(
        "designs/panels/organisation.html",
        {"organisation": organisation, "builds": builds},
        request=request,
    )

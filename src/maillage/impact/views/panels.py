"""What impact shows on other apps' pages, through core.panels (registered in
`ImpactConfig.ready`): the impact card on the machine page, a line on the organisation page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from maillage.impact.queries.organisations import fleet
from maillage.impact.views.machines import card_context

MACHINE_PAGE = "equipment.machine"
ORGANISATION_PAGE = "directory.organisation"


def card_on_machine_page(request: HttpRequest, machine: Any) -> str:
    """The machine's impact card for everyone who sees the machine; prices to its members."""
    if machine is None:
        return ""
    return render_to_string(
        "impact/panels/machine.html", card_context(request, machine), request=request
    )


def summary_on_organisation_page(request: HttpRequest, organisation: Any) -> str:
    """The fleet's circularity and repairability in one line, and the way to the impact page."""
    if organisation is None:
        return ""
    return render_to_string(
        "impact/panels/organisation.html",
        {"organisation": organisation, "fleet": fleet(organisation)},
        request=request,
    )

"""What the design page's panels read for the person looking: builds they may see, parts."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.designs.models import Build, Design
from maillage.designs.queries import builds as build_queries

register = template.Library()


@register.simple_tag(takes_context=True)
def design_builds(context: Any, design: Design) -> list[Build]:
    """The builds of the design the person may see, each with the commune it was made in."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    builds = list(build_queries.builds_of_design(user, design))
    for build in builds:
        build.commune = build_queries.build_commune(build)  # type: ignore[attr-defined]
    return builds


@register.simple_tag(takes_context=True)
def may_record_build(context: Any) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and build_queries.recording_organisations(user).exists())


@register.simple_tag
def parts_summary(design: Design) -> dict[str, Any]:
    """How many parts are made and bought, and the processes the made ones need."""
    made = bought = 0
    processes: dict[str, str] = {}
    for part in design.parts.prefetch_related("processes__process"):
        if part.off_the_shelf:
            bought += part.quantity
            continue
        made += part.quantity
        for pp in part.processes.all():
            processes[pp.process.code] = pp.process.label
    return {"made": made, "bought": bought, "processes": sorted(processes.values())}

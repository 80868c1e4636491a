"""Euros as people read them (« 1 200 € », « 12,50 € ») and the project page's funding summary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from maillage.cooperation.models import Project
from maillage.cooperation.queries import funding as queries

register = template.Library()


@register.filter
def euros(value: Any) -> str:
    if value is None or value == "":
        return ""
    return queries.euros(Decimal(str(value)))


@register.simple_tag(takes_context=True)
def funding_summary(context: template.Context, project: Project) -> dict[str, Any] | None:
    """The panel's figures, or None when the viewer may not read this project's funding."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not isinstance(project, Project):
        return None
    if not queries.can_view_funding(user, project):
        return None
    return queries.panel(project)

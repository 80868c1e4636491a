"""Coordinators read needs, unmet demand and batch runs here; the rows are computed, never edited.

Needs and runs are written only by the matching actions (a need with the engine's answer, a
run by its background task), so every page here is read-only and open to coordinators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from maillage.directory import permissions
from maillage.matching import queries
from maillage.matching.models import AllocationRun, Need


class CoordinatorsReadOnly(admin.ModelAdmin):
    """Seen by coordinators; added, changed and deleted only by the matching actions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_coordinator(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnmetDemandFilter(admin.SimpleListFilter):
    """The needs the unmet-demand page counts (batch needs once their run is done)."""

    title = _("demand")
    parameter_name = "demand"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("unmet", _("Unmet demand"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Need]) -> QuerySet[Need]:
        if self.value() == "unmet":
            return queryset & queries.unmet_needs()
        return queryset


@admin.register(Need)
class NeedAdmin(CoordinatorsReadOnly):
    list_display = (
        "__str__",
        "process",
        "requester",
        "organisation",
        "hours",
        "department",
        "status",
        "unmet_reason",
        "batch",
        "created_at",
    )
    list_filter = (UnmetDemandFilter, "status", "unmet_reason", "operator", "batch__state")
    search_fields = (
        "label",
        "process__code",
        "requester__username",
        "organisation__name",
        "commune__name",
    )
    date_hierarchy = "created_at"
    list_select_related = ("process", "requester", "organisation", "department", "batch")


@admin.register(AllocationRun)
class AllocationRunAdmin(CoordinatorsReadOnly):
    list_display = (
        "title",
        "state",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
        "solver_status",
        "needs_link",
    )
    list_filter = ("state", "solver_status")
    search_fields = ("title", "created_by__username")
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AllocationRun]:
        runs: QuerySet[AllocationRun] = super().get_queryset(request)
        return runs.annotate(need_count=Count("needs"))

    @admin.display(description=_("needs"), ordering="need_count")
    def needs_link(self, run: Any) -> str:
        url = reverse("admin:matching_need_changelist") + f"?batch__id__exact={run.pk}"
        return format_html('<a href="{}">{}</a>', url, run.need_count)

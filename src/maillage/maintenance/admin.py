"""Coordinators' admin for maintenance records."""

# --- breakdowns ---------------------------------------------------------------------------
# Reports change state only through the actions (downtime, flags, e-mails): read-only here.

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from maillage.directory import permissions
from maillage.maintenance.models.breakdowns import AffectedBooking, BreakdownReport
from maillage.matching.admin import CoordinatorsReadOnly


class AffectedBookingInline(admin.TabularInline):
    model = AffectedBooking
    extra = 0
    can_delete = False
    fields = ("booking", "state", "alternative", "alternative_km", "unmet_reason", "rebooked_as")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_coordinator(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BreakdownReport)
class BreakdownReportAdmin(CoordinatorsReadOnly, SimpleHistoryAdmin):
    list_display = ("machine", "state", "reporter", "created_at", "estimated_end")
    list_filter = ("state",)
    search_fields = ("machine__name", "machine__organisation__name", "reporter__username")
    readonly_fields = (
        "machine",
        "reporter",
        "booking",
        "photo",
        "state",
        "created_at",
        "confirmed_by",
        "confirmed_at",
        "down_from",
        "estimated_end",
        "downtime",
        "closed_by",
        "closed_at",
    )
    inlines = (AffectedBookingInline,)

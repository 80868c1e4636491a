"""Coordinators see and correct sharing data here; bookings keep an audit trail."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maillage.sharing.models import (
    AvailabilityException,
    Booking,
    Downtime,
    Offer,
    OpeningWindow,
)


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = ("machine", "active", "audience", "mode", "billing", "price_member_cents")
    list_filter = ("active", "audience", "mode", "billing")
    search_fields = ("machine__name", "machine__organisation__name")
    autocomplete_fields = ("machine", "required_trainings")
    exclude = ("feed_token_hash",)


@admin.register(OpeningWindow)
class OpeningWindowAdmin(admin.ModelAdmin):
    list_display = ("__str__", "machine", "site")
    autocomplete_fields = ("machine", "site")


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ("kind", "start", "end", "machine", "site", "reason")
    list_filter = ("kind",)
    autocomplete_fields = ("machine", "site")


@admin.register(Downtime)
class DowntimeAdmin(admin.ModelAdmin):
    list_display = ("machine", "start", "end", "reason")
    autocomplete_fields = ("machine",)


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    list_display = ("machine", "start", "end", "state", "booker", "host_organisation", "tier")
    list_filter = ("state", "tier", "billing")
    search_fields = ("machine__name", "booker__username", "host_organisation__name")
    autocomplete_fields = ("machine", "booker", "booker_organisation", "host_organisation")
    readonly_fields = ("blocked_until", "priced_at", "created_at")

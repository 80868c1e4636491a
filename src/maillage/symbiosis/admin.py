"""Coordinators' admin for symbiosis: the List of Waste and the log of private reads.

Declarations, heat sources and synergies are not in the admin on purpose: every read of their
private fields by a coordinator goes through the pages or the API, which write the read log.
"""

from django.contrib import admin

from maillage.matching.admin import CoordinatorsReadOnly
from maillage.symbiosis.models.resources import PrivateFieldRead, WasteCode


@admin.register(WasteCode)
class WasteCodeAdmin(CoordinatorsReadOnly):
    list_display = ("code", "level", "hazardous", "entry_type", "description_fr")
    list_filter = ("level", "hazardous")
    search_fields = ("code", "description_fr", "description_en")


@admin.register(PrivateFieldRead)
class PrivateFieldReadAdmin(CoordinatorsReadOnly):
    list_display = ("read_at", "user", "kind", "object_id", "organisation", "fields", "channel")
    list_filter = ("kind", "channel")
    date_hierarchy = "read_at"

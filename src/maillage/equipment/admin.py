"""Coordinators edit the taxonomy and every machine here; machines keep an audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maillage.core.admin import TabularInline
from maillage.equipment.actions import save_process
from maillage.equipment.models import Machine, MachineDocument, MachineMaterial, Process


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "label_en", "parent", "wikidata", "fablabs_key", "source")
    search_fields = ("code", "label_fr", "label_en", "label_de")
    list_filter = ("depth", "source")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "depth")

    def save_model(self, request: Any, obj: Process, form: Any, change: bool) -> None:
        # Moving a node must move its subtree's paths too: the action does both.
        save_process(request.user, obj)


class MaterialInline(TabularInline):
    model = MachineMaterial


class DocumentInline(TabularInline):
    model = MachineDocument


@admin.register(Machine)
class MachineAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "site", "status", "condition", "updated_at")
    list_filter = ("status", "condition", "computer_controlled")
    search_fields = ("name", "make", "model", "organisation__name")
    autocomplete_fields = ("organisation", "site", "processes")
    inlines = (MaterialInline, DocumentInline)

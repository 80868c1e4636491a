"""Coordinators' admin for impact records: read-only, changes go through the pages' actions."""

from django.contrib import admin

from maillage.impact.models import FactorOverride, MachineImpact, RepairabilityAssessment
from maillage.matching.admin import CoordinatorsReadOnly


@admin.register(FactorOverride)
class FactorOverrideAdmin(CoordinatorsReadOnly):
    list_display = ("key", "version", "value", "unit", "year", "created_by", "created_at")
    search_fields = ("key", "source", "note")


@admin.register(RepairabilityAssessment)
class RepairabilityAssessmentAdmin(CoordinatorsReadOnly):
    list_display = ("machine", "organisation", "total", "assessed_at")
    raw_id_fields = ("machine",)


@admin.register(MachineImpact)
class MachineImpactAdmin(CoordinatorsReadOnly):
    list_display = ("machine", "mci", "repairability", "utilisation", "computed_at")
    raw_id_fields = ("machine",)

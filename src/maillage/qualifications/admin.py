"""Coordinators see and correct trainings, sessions, registrations and qualifications here."""

from __future__ import annotations

from django.contrib import admin

from maillage.qualifications.models import Qualification, Registration, Training, TrainingSession


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "machine", "process", "validity_months")
    search_fields = ("title", "organisation__name")
    autocomplete_fields = ("machine", "process", "organisation", "trainer")


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ("training", "start", "capacity", "place")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("session", "user", "attended")


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("user", "training", "issued_at", "expires_at", "last_used_at")
    autocomplete_fields = ("user", "training", "issued_by")

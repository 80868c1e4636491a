"""Coordinators administer the directory here; every change lands in the audit trail."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from maillage.core.admin import TabularInline
from maillage.directory.actions.sites import refresh_search_text
from maillage.directory.models import (
    ApiToken,
    Commune,
    Department,
    Invitation,
    Membership,
    NafCode,
    Organisation,
    OrganisationField,
    Site,
    User,
)


@admin.register(User)
class MaillageUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_coordinator", "is_staff")
    list_filter = ("is_coordinator", "is_staff", "is_active")
    fieldsets = (*UserAdmin.fieldsets, (_("Network"), {"fields": ("is_coordinator",)}))  # type: ignore[misc]


class SiteInline(admin.StackedInline):
    model = Site
    extra = 0
    autocomplete_fields = ("commune",)
    fields = (
        ("name", "is_main"),
        "address",
        ("postal_code", "commune", "city", "country"),
        ("latitude", "longitude", "department"),
    )


class FieldInline(TabularInline):
    model = OrganisationField


class MembershipInline(TabularInline):
    model = Membership
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "status", "updated_at")
    list_filter = ("status", "kind")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("naf", "duplicate_of")
    readonly_fields = ("created_by", "created_at", "updated_at", "moderated_by", "moderated_at")
    inlines = (FieldInline, SiteInline, MembershipInline)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        refresh_search_text(form.instance)


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "organisation", "commune", "department", "latitude", "longitude")
    list_filter = ("department",)
    search_fields = ("name", "organisation__name", "city")
    autocomplete_fields = ("organisation", "commune")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "insee_code", "department", "postal_codes", "population")
    search_fields = ("name", "insee_code", "postal_codes")
    list_filter = ("department",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region_name")
    search_fields = ("code", "name")


@admin.register(NafCode)
class NafCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "label_fr", "level", "version")
    list_filter = ("version", "level")
    search_fields = ("code", "label_fr")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "state")
    list_filter = ("role", "state")
    autocomplete_fields = ("user", "organisation")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "accepted_at")
    exclude = ("token_hash",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash")

"""Cooperation rows in the admin: read-mostly, the pages and actions hold the rules.

The one thing set up here is the network itself: its name and its colleges, with their weights
in the general assembly's votes and their annual fees. The coordinators do it (the group of
coordinators holds only the directory's permissions, so the rights are given here).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from maillage.cooperation import votes
from maillage.cooperation.models import College, Network
from maillage.core.admin import TabularInline
from maillage.directory import permissions


class CoordinatorsEdit:
    """Seen, added and changed by the coordinators; deleted by nobody here (a network's rows
    hang from it)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_coordinator(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return permissions.is_coordinator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_coordinator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CollegeFormSet(forms.BaseInlineFormSet):
    """The colleges' weights sum to 100 (a weighted vote) or are all 0 (one member, one vote)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        weights = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            weights.append(votes.CollegeIn(data["kind"], data["weight_percent"], 0))
        try:
            votes.check_weights(weights)
        except ValueError:
            total = sum((w.weight_percent for w in weights), Decimal("0"))
            raise ValidationError(
                _(
                    "The colleges' weights must sum to 100 %% or all be 0 (one member, one "
                    "vote): they sum to %(total)s %%."
                ),
                params={"total": f"{total.normalize():f}"},
                code="weights",
            ) from None


class CollegeInline(CoordinatorsEdit, TabularInline):
    model = College
    formset = CollegeFormSet
    fields = ("kind", "weight_percent", "annual_fee")


@admin.register(Network)
class NetworkAdmin(CoordinatorsEdit, admin.ModelAdmin):
    list_display = ("name", "slug", "legal_form", "founded_on")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (CollegeInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

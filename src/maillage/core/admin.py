"""Admin pieces the apps share."""

from __future__ import annotations

from django.contrib import admin


class TabularInline(admin.TabularInline):
    """Related rows as a table: the existing ones, and no blank row until one is added."""

    extra = 0

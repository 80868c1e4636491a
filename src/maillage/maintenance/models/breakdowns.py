"""Breakdowns: a report by someone who uses the machine, confirmed by its host, and the bookings
it re-routes to the nearest capable free machine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.equipment.models import Machine
from maillage.sharing.models import Booking, Downtime

__all__ = ["AffectedBooking", "AffectedState", "BreakdownReport", "BreakdownState"]


class BreakdownState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class BreakdownReport(models.Model):
    """A machine reported broken; once confirmed, it holds the sharing downtime it opened."""

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="breakdown_reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="breakdown_reports"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("what happened"))
    photo = models.FileField(_("photo"), upload_to="breakdowns/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=20, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=BreakdownState.choices, default=BreakdownState.REPORTED
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    down_from = models.DateTimeField(_("down from"), null=True, blank=True)
    estimated_end = models.DateTimeField(_("estimated end"), null=True, blank=True)
    downtime = models.ForeignKey(
        Downtime, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("host's note"), blank=True)

    history = HistoricalRecords(excluded_fields=["photo"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("breakdown report")
        verbose_name_plural = _("breakdown reports")
        indexes = [
            models.Index(fields=["machine", "state"], name="maint_breakdown_machine_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_end__isnull=True)
                | models.Q(down_from__isnull=True)
                | models.Q(estimated_end__gt=models.F("down_from")),
                name="maint_breakdown_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine}: {self.get_state_display()} ({self.created_at:%Y-%m-%d})"


class AffectedState(models.TextChoices):
    FLAGGED = "flagged", _("Flagged")
    REBOOKED = "rebooked", _("Rebooked")
    CLEARED = "cleared", _("Machine back in service")


class AffectedBooking(models.Model):
    """A live booking inside a confirmed breakdown's window, with the machine offered instead."""

    report = models.ForeignKey(BreakdownReport, on_delete=models.CASCADE, related_name="affected")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    alternative = models.ForeignKey(
        Machine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    alternative_km = models.FloatField(null=True, blank=True)
    # Why no machine fits (the matching engine's reason code), when none does.
    unmet_reason = models.CharField(max_length=30, blank=True)
    rebooked_as = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AffectedState.choices, default=AffectedState.FLAGGED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["booking__start", "pk"]
        verbose_name = _("booking affected by a breakdown")
        verbose_name_plural = _("bookings affected by a breakdown")
        constraints = [
            models.UniqueConstraint(fields=["report", "booking"], name="maint_affected_once"),
        ]

    def __str__(self) -> str:
        return f"{self.booking} ({self.get_state_display()})"

"""A synergy: an offer matched to a demand, from proposal to the monthly quantities exchanged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.symbiosis.models.resources import QuantityUnit, ResourceDeclaration

__all__ = ["Synergy", "SynergyExchange", "SynergyState", "VehicleClass"]


class SynergyState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DISCUSSING = "discussing", _("Under discussion")
    AGREED = "agreed", _("Agreed")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")
    DECLINED = "declined", _("Declined")


class VehicleClass(models.TextChoices):
    """Road vehicle carrying the flow, for the transport cost and its t·km emission factor."""

    VAN = "van", _("Light commercial vehicle")
    RIGID = "rigid", _("Rigid truck")
    ARTICULATED = "articulated", _("Articulated truck")


class Synergy(models.Model):
    """One offer feeding one demand. Private fields are revealed to each side once both accept."""

    offer = models.ForeignKey(
        ResourceDeclaration, on_delete=models.PROTECT, related_name="synergies_as_offer"
    )
    demand = models.ForeignKey(
        ResourceDeclaration, on_delete=models.PROTECT, related_name="synergies_as_demand"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=SynergyState.choices, default=SynergyState.PROPOSED
    )
    # The quantity per year the proposal foresees, in the offer's unit.
    quantity_per_year = models.DecimalField(_("quantity per year"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=5, choices=QuantityUnit.choices)
    vehicle = models.CharField(
        _("vehicle"), max_length=12, choices=VehicleClass.choices, default=VehicleClass.RIGID
    )
    distance_km = models.FloatField(_("road distance (km)"), null=True, blank=True)
    # The estimate at proposal time; pages recompute with today's factors.
    euros_saved_per_year = models.FloatField(null=True, blank=True)
    co2_avoided_kg_per_year = models.FloatField(null=True, blank=True)
    explanation = models.TextField(_("why it fits"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer_accepted_at = models.DateTimeField(null=True, blank=True)
    demand_accepted_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("synergy")
        verbose_name_plural = _("synergies")
        indexes = [models.Index(fields=["state"], name="symb_synergy_state")]
        constraints = [
            # One live synergy per pair; a declined or ended one may be proposed again.
            models.UniqueConstraint(
                fields=["offer", "demand"],
                condition=~models.Q(state__in=["ended", "declined"]),
                name="symb_synergy_one_live_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_per_year__gt=0), name="symb_synergy_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer.title} → {self.demand.title} ({self.get_state_display()})"

    @property
    def both_accepted(self) -> bool:
        return self.offer_accepted_at is not None and self.demand_accepted_at is not None


class SynergyExchange(models.Model):
    """The quantity actually exchanged in a month, in the synergy's unit."""

    synergy = models.ForeignKey(Synergy, on_delete=models.CASCADE, related_name="exchanges")
    month = models.DateField(_("month"))  # the first day of the month
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["synergy", "month"]
        verbose_name = _("monthly exchange")
        verbose_name_plural = _("monthly exchanges")
        constraints = [
            models.UniqueConstraint(fields=["synergy", "month"], name="symb_exchange_once_a_month"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="symb_exchange_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.synergy_id} {self.month:%Y-%m}: {self.quantity}"

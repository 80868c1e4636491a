"""Waste heat: sources and sinks a site declares, and the pre-feasibility studies joining them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation, Site
from maillage.symbiosis.models.resources import DeclarationState, Visibility

__all__ = ["HeatDeclaration", "HeatKind", "HeatMedium", "HeatStudy"]


class HeatKind(models.TextChoices):
    SOURCE = "source", _("Source (heat given out)")
    SINK = "sink", _("Sink (heat needed)")


class HeatMedium(models.TextChoices):
    WATER = "water", _("Hot water")
    STEAM = "steam", _("Steam")
    AIR = "air", _("Hot air")
    FLUE_GAS = "flue_gas", _("Flue gas")
    OIL = "oil", _("Thermal oil")


class HeatDeclaration(models.Model):
    """A source of waste heat or a need for heat at a site.

    A source gives its temperature; a sink its required supply temperature. Always public: kind,
    medium, temperature, the site's commune and the order of magnitude of the energy per year.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="heat_declarations"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="heat_declarations")
    kind = models.CharField(_("kind"), max_length=10, choices=HeatKind.choices)
    title = models.CharField(_("title"), max_length=200)
    medium = models.CharField(_("medium"), max_length=10, choices=HeatMedium.choices)
    temperature_c = models.FloatField(_("temperature (°C)"))
    return_temperature_c = models.FloatField(_("return temperature (°C)"), null=True, blank=True)
    power_kw = models.FloatField(_("power (kW)"))
    hours_per_year = models.PositiveIntegerField(_("hours per year"))
    # Twelve shares of the year's energy, January first, summing to 1; none means flat.
    monthly_profile = models.JSONField(_("monthly profile"), null=True, blank=True)
    quantity_visibility = models.CharField(
        _("who sees the exact power and hours"),
        max_length=15,
        choices=Visibility.choices,
        default=Visibility.COUNTERPART,
    )
    site_visibility = models.CharField(
        _("who sees the exact site"),
        max_length=15,
        choices=Visibility.choices,
        default=Visibility.COUNTERPART,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DeclarationState.choices, default=DeclarationState.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("heat declaration")
        verbose_name_plural = _("heat declarations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(power_kw__gt=0), name="symb_heat_power_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_year__gte=1) & models.Q(hours_per_year__lte=8784),
                name="symb_heat_hours_in_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()}, {self.temperature_c:g} °C)"

    @property
    def energy_mwh_per_year(self) -> float:
        return self.power_kw * self.hours_per_year / 1000.0


class HeatStudy(models.Model):
    """A pre-feasibility study: one source, one or more sinks, and the route between them."""

    name = models.CharField(_("name"), max_length=200)
    source = models.ForeignKey(
        HeatDeclaration, on_delete=models.PROTECT, related_name="studies_as_source"
    )
    sinks = models.ManyToManyField(HeatDeclaration, related_name="studies_as_sink")
    # Drawn route length; none means the straight line times 1.3.
    route_length_m = models.FloatField(_("route length (m)"), null=True, blank=True)
    pipe_dn = models.PositiveSmallIntegerField(
        _("pipe nominal diameter (DN)"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("heat pre-feasibility study")
        verbose_name_plural = _("heat pre-feasibility studies")

    def __str__(self) -> str:
        return self.name

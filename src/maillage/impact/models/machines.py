"""What the owner tells about a machine for its impact, and the figures computed from it.

- `MaterialShare`: the machine's composition, one row per material, with the feedstock and
  end-of-life shares of the Material Circularity Indicator (blank = the factor table's default).
- `RepairabilityAssessment`: the owner's scores of the five criteria, kept as a history.
- `MachineEconomics`: price, life and costs, private to the owning organisation.
- `MachineImpact`: the figures computed from all of it and from the records (usage, retrofits),
  stored so that the network's dashboard aggregates them in SQL.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.equipment.models import Machine
from maillage.maintenance.models import PartMaterial

__all__ = [
    "MachineEconomics",
    "MachineImpact",
    "MaterialShare",
    "RepairabilityAssessment",
]

SHARE = [MinValueValidator(0.0), MaxValueValidator(1.0)]
SCORE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(20))]


def _share_field(label: Any) -> models.FloatField:
    return models.FloatField(label, null=True, blank=True, validators=SHARE)


class MaterialShare(models.Model):
    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="material_shares")
    material = models.CharField(_("material"), max_length=12, choices=PartMaterial.choices)
    mass_kg = models.FloatField(_("mass (kg)"), validators=[MinValueValidator(0.001)])
    recycled_feedstock = _share_field(_("recycled feedstock"))
    reused_feedstock = _share_field(_("reused feedstock"))
    recycled_collection = _share_field(_("collected for recycling"))
    reused_collection = _share_field(_("collected for reuse"))
    feedstock_efficiency = _share_field(_("efficiency of recycling the feedstock"))
    collection_efficiency = _share_field(_("efficiency of recycling the collected mass"))

    class Meta:
        ordering = ["machine", "material"]
        constraints = [
            models.UniqueConstraint(fields=["machine", "material"], name="impact_share_material"),
        ]
        verbose_name = _("material of a machine")
        verbose_name_plural = _("materials of machines")

    def __str__(self) -> str:
        return f"{self.get_material_display()} {self.mass_kg:g} kg"


class RepairabilityAssessment(models.Model):
    """The five criteria of the repairability score, each out of 20; the latest one counts."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="repairability")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    documentation = models.DecimalField(
        _("documentation"), max_digits=3, decimal_places=1, validators=SCORE
    )
    disassembly = models.DecimalField(
        _("disassembly and tools"), max_digits=3, decimal_places=1, validators=SCORE
    )
    spare_parts = models.DecimalField(
        _("spare parts availability"), max_digits=3, decimal_places=1, validators=SCORE
    )
    parts_price = models.DecimalField(
        _("spare parts price"), max_digits=3, decimal_places=1, validators=SCORE
    )
    specific = models.DecimalField(
        _("specific criteria"), max_digits=3, decimal_places=1, validators=SCORE
    )
    total = models.DecimalField(_("score out of 10"), max_digits=3, decimal_places=1)
    evidence = models.JSONField(_("evidence per criterion"), default=dict, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["machine", "-assessed_at"]
        indexes = [models.Index(fields=["machine", "-assessed_at"], name="impact_rep_latest")]
        verbose_name = _("repairability assessment")
        verbose_name_plural = _("repairability assessments")

    def __str__(self) -> str:
        return f"{self.machine_id}: {self.total}/10"


class MachineEconomics(models.Model):
    """Private to the owner: blank fields take the factor table's defaults."""

    machine = models.OneToOneField(Machine, on_delete=models.CASCADE, related_name="economics")
    price_cents = models.PositiveBigIntegerField(_("purchase price (cents)"), null=True, blank=True)
    residual_value_cents = models.PositiveBigIntegerField(
        _("residual value (cents)"), null=True, blank=True
    )
    life_years = models.PositiveSmallIntegerField(
        _("expected life (years)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    fixed_costs_cents_per_year = models.PositiveBigIntegerField(
        _("fixed costs a year (cents)"), null=True, blank=True
    )
    variable_cents_per_hour = models.PositiveIntegerField(
        _("variable cost an hour (cents)"), null=True, blank=True
    )
    hours_available_per_year = models.PositiveSmallIntegerField(
        _("hours available a year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8784)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("economics of a machine")
        verbose_name_plural = _("economics of machines")

    def __str__(self) -> str:
        return f"{self.machine_id}"


class MachineImpact(models.Model):
    """Figures computed for one machine by `impact.actions` and read by the dashboards in SQL.

    Null means unknown (not enough data): the coverage of each figure counts non-null rows.
    `factor_versions` names the factor versions used ({"key": version}).
    """

    machine = models.OneToOneField(Machine, on_delete=models.CASCADE, related_name="impact")
    mass_kg = models.FloatField(_("mass (kg)"), null=True)
    mci = models.FloatField(_("material circularity indicator"), null=True, validators=SHARE)
    lifetime_ratio = models.FloatField(_("lifetime ratio L/L_av"), null=True)
    intensity_ratio = models.FloatField(_("use intensity ratio U/U_av"), null=True)
    repairability = models.DecimalField(
        _("repairability out of 10"), max_digits=3, decimal_places=1, null=True
    )
    utilisation = models.FloatField(_("utilisation over the last 12 months"), null=True)
    hours_used = models.FloatField(_("hours used over the last 12 months"), default=0.0)
    hours_shared = models.FloatField(_("hours used by other organisations, 12 months"), default=0.0)
    organisations_served = models.PositiveIntegerField(_("organisations served"), default=0)
    embodied_kgco2e = models.FloatField(_("embodied carbon (kgCO2e)"), null=True)
    remaining_life_years = models.FloatField(_("remaining life (years)"), null=True)
    factor_versions = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("impact of a machine")
        verbose_name_plural = _("impacts of machines")

    def __str__(self) -> str:
        return f"{self.machine_id}: MCI {self.mci}"

"""Needs people enter, what they found (or why nothing fits), and batch allocation runs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import ends_after_start
from maillage.directory.models import Commune, Department, Organisation
from maillage.equipment.models import Machine, Material, Process, ToleranceClass


class OperatorChoice(models.TextChoices):
    ANY = "any", _("With or without the host's operator")
    WITH = "with", _("With the host's operator")
    WITHOUT = "without", _("I operate the machine myself")


class NeedStatus(models.TextChoices):
    MATCHED = "matched", _("Machines found")
    UNMET = "unmet", _("No machine fits")
    BOOKED = "booked", _("Booked")


class UnmetReason(models.TextChoices):
    NO_SUCH_PROCESS = "no_such_process", _("No machine of the network does this process")
    TOO_FAR = "too_far", _("Capable machines are too far")
    TOO_SMALL = "too_small", _("Capable machines are too small")
    WRONG_MATERIAL = "wrong_material", _("No capable machine works this material")
    NOT_PRECISE_ENOUGH = "not_precise_enough", _("Capable machines are not precise enough")
    OVER_BUDGET = "over_budget", _("Capable machines cost more than the budget")
    NO_OPERATOR = "no_operator", _("No capable machine comes with an operator")
    OPERATOR_ONLY = "operator_only", _("Capable machines are run only by the host's operator")
    OUT_OF_SERVICE = "out_of_service", _("Capable machines are out of service")
    BUSY = "busy", _("Capable machines are busy in the window")
    CAPACITY = "capacity", _("Not enough free machine time for the whole batch")


class AllocationRun(models.Model):
    """A batch of needs allocated together, computed in the background."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    time_limit_s = models.PositiveIntegerField(_("time limit (seconds)"), default=30)
    co2_price_cents_per_kg = models.PositiveIntegerField(_("CO2 price (cents per kg)"), default=10)
    solver_status = models.CharField(max_length=20, blank=True)
    total_cost_cents = models.BigIntegerField(null=True, blank=True)
    lower_bound_cents = models.BigIntegerField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")

    def __str__(self) -> str:
        return self.title


class Need(models.Model):
    """A need someone entered: what, when, where; with the answer Maillage gave."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="needs"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs"
    )
    batch = models.ForeignKey(
        AllocationRun, on_delete=models.CASCADE, null=True, blank=True, related_name="needs"
    )
    label = models.CharField(_("what for"), max_length=200, blank=True)
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="needs"
    )
    material = models.CharField(_("material"), max_length=20, choices=Material.choices, blank=True)
    part_x_mm = models.FloatField(_("part X (mm)"), null=True, blank=True)
    part_y_mm = models.FloatField(_("part Y (mm)"), null=True, blank=True)
    part_z_mm = models.FloatField(_("part Z (mm)"), null=True, blank=True)
    allow_rotation = models.BooleanField(_("the part may be turned"), default=True)
    tolerance_class = models.CharField(
        _("tolerance class"), max_length=1, choices=ToleranceClass.choices, blank=True
    )
    hours = models.DecimalField(
        _("machine hours"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    operator = models.CharField(
        _("operator"), max_length=10, choices=OperatorChoice.choices, default=OperatorChoice.ANY
    )
    earliest = models.DateTimeField(_("earliest start"))
    deadline = models.DateTimeField(_("deadline"))
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    max_km = models.FloatField(_("maximum distance (km)"), validators=[MinValueValidator(0)])
    budget_cents_per_hour = models.PositiveIntegerField(
        _("budget per hour (cents)"), null=True, blank=True
    )
    weight_distance = models.FloatField(default=1.0)
    weight_price = models.FloatField(default=1.0)
    weight_impact = models.FloatField(default=1.0)
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.MATCHED)
    unmet_reason = models.CharField(max_length=30, choices=UnmetReason.choices, blank=True)
    nearest_km = models.FloatField(null=True, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Batch outcome: the machine and slot given to this need, or why none.
    allocated_machine = models.ForeignKey(
        Machine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    allocated_start = models.DateTimeField(null=True, blank=True)
    allocated_cost_cents = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["status", "process"], name="matching_need_status_process")]
        constraints = [ends_after_start("matching_need_window", start="earliest", end="deadline")]

    def __str__(self) -> str:
        return self.label or str(self.process)

    def part(self) -> tuple[float, float, float] | None:
        dims = (self.part_x_mm, self.part_y_mm, self.part_z_mm)
        if any(d is None for d in dims):
            return None
        return dims  # type: ignore[return-value]

"""Maintenance plans driven by use: usage records and the meter, plans and tasks, interventions
with their parts, retrofit projects.

The meter (`MachineMeter`) holds a machine's running totals (hours used, failures and their
repair time), updated in the transaction that records each usage or corrective intervention, so
the due-tasks list and the reliability table read one row per machine instead of summing the
history. `TaskState` holds, per machine and task, when it was last done and the thresholds at
which it becomes planned and overdue (from `maintenance.due`), so the lists filter in SQL.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.equipment.models import Machine, Process
from maillage.sharing.models import Booking, Downtime

__all__ = [
    "Enforcement",
    "Intervention",
    "InterventionKind",
    "MachineMeter",
    "MaintenancePlan",
    "PartMaterial",
    "PartReplaced",
    "PlanTask",
    "RetrofitProject",
    "TaskState",
    "UsageRecord",
    "UsageSource",
]

ZERO = Decimal(0)


class UsageSource(models.TextChoices):
    BOOKING = "booking", _("booking check-out")
    OWNER = "owner", _("owner's own use")
    API = "api", _("API")


class UsageRecord(models.Model):
    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="usage_records")
    when = models.DateTimeField(_("when"))
    hours = models.DecimalField(
        _("hours used"), max_digits=8, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    source = models.CharField(_("source"), max_length=10, choices=UsageSource.choices)
    # One record per booking: a check-out told twice records its hours once.
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="usage_record"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-when"]
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        indexes = [models.Index(fields=["machine", "when"], name="maint_usage_machine_when")]
        constraints = [models.CheckConstraint(condition=Q(hours__gte=0), name="maint_usage_hours")]

    def __str__(self) -> str:
        return f"{self.machine}: {self.hours} h"


class MachineMeter(models.Model):
    """A machine's running totals, kept in step with its usage and corrective interventions."""

    machine = models.OneToOneField(
        Machine, on_delete=models.CASCADE, primary_key=True, related_name="meter"
    )
    hours = models.DecimalField(_("hours used"), max_digits=12, decimal_places=2, default=ZERO)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    repairs = models.PositiveIntegerField(_("repairs"), default=0)
    repair_hours = models.FloatField(_("hours to repair"), default=0.0)
    updated_at = models.DateTimeField(auto_now=True)
    # The reliability table sorts on these: computed by the database in the very statement that
    # changes the hours or the failures, so they cannot drift, and indexed. No failure: no MTBF;
    # no hours: no rate.
    mtbf_hours = models.GeneratedField(
        expression=Cast("hours", models.FloatField())
        / NullIf(Cast("failures", models.FloatField()), Value(0.0)),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("MTBF (h)"),
    )
    failures_per_1000h = models.GeneratedField(
        expression=Cast("failures", models.FloatField())
        * Value(1000.0)
        / NullIf(Cast("hours", models.FloatField()), Value(0.0)),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("failures per 1,000 h"),
    )

    class Meta:
        verbose_name = _("hours meter")
        verbose_name_plural = _("hours meters")
        # Page after page in each sort of the reliability table, the machine breaking ties.
        indexes = [
            models.Index(fields=["mtbf_hours", "machine"], name="maint_meter_mtbf"),
            models.Index(fields=["failures", "machine"], name="maint_meter_failures"),
            models.Index(fields=["failures_per_1000h", "machine"], name="maint_meter_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.machine}: {self.hours} h"


class Enforcement(models.TextChoices):
    WARN = "warn", _("warn")
    BLOCK = "block", _("block new bookings until done")


class MaintenancePlan(models.Model):
    """The tasks for one machine, or for every machine of the organisation doing a process."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="maintenance_plans"
    )
    name = models.CharField(_("name"), max_length=200)
    machine = models.ForeignKey(
        Machine, on_delete=models.CASCADE, null=True, blank=True, related_name="maintenance_plans"
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enforcement = models.CharField(
        _("when a task is overdue"),
        max_length=10,
        choices=Enforcement.choices,
        default=Enforcement.WARN,
    )
    starter_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(machine__isnull=False, process__isnull=True)
                | Q(machine__isnull=True, process__isnull=False),
                name="maint_plan_machine_xor_process",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlanTask(models.Model):
    plan = models.ForeignKey(MaintenancePlan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    checklist = models.TextField(_("checklist"), blank=True, help_text=_("One step per line."))
    every_hours = models.DecimalField(
        _("every (hours of use)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    every_days = models.PositiveIntegerField(_("every (days)"), null=True, blank=True)
    lead_hours = models.DecimalField(
        _("plan ahead (hours of use)"), max_digits=8, decimal_places=1, default=ZERO
    )
    lead_days = models.PositiveIntegerField(_("plan ahead (days)"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("maintenance task")
        verbose_name_plural = _("maintenance tasks")
        constraints = [
            models.CheckConstraint(
                condition=(Q(every_hours__isnull=True) | Q(every_hours__gt=0))
                & (Q(every_days__isnull=True) | Q(every_days__gt=0))
                & (Q(every_hours__isnull=False) | Q(every_days__isnull=False))
                & Q(lead_hours__gte=0),
                name="maint_task_interval",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def steps(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class TaskState(models.Model):
    """A task on one machine: last done, and from when it is planned, due and overdue."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="task_states")
    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="states")
    # Denormalised from the machine, so an organisation's list reads one index.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    last_done_hours = models.DecimalField(max_digits=12, decimal_places=2)
    last_done_on = models.DateField()
    due_hours = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    due_on = models.DateField(null=True)
    plan_hours = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    plan_on = models.DateField(null=True)
    over_hours = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    over_on = models.DateField(null=True)
    # The downtime opened while a "block" task is overdue; closed when the task is done.
    downtime = models.ForeignKey(
        Downtime, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("task on a machine")
        verbose_name_plural = _("tasks on machines")
        constraints = [
            models.UniqueConstraint(fields=["machine", "task"], name="maint_state_machine_task")
        ]
        indexes = [
            models.Index(fields=["organisation", "plan_on"], name="maint_state_org_plan_on"),
            models.Index(fields=["plan_on"], name="maint_state_plan_on"),
        ]

    def __str__(self) -> str:
        return f"{self.machine}: {self.task}"


class InterventionKind(models.TextChoices):
    PREVENTIVE = "preventive", _("preventive")
    CORRECTIVE = "corrective", _("corrective")
    RETROFIT = "retrofit", _("retrofit")
    INSPECTION = "inspection", _("inspection")


class Intervention(models.Model):
    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("kind"), max_length=12, choices=InterventionKind.choices)
    tasks = models.ManyToManyField(
        PlanTask, blank=True, related_name="interventions", verbose_name=_("tasks done")
    )
    done_at = models.DateTimeField(_("done on"))
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by (own staff)"),
    )
    repairer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repairs_done",
        verbose_name=_("done by (repairer)"),
    )
    hours_spent = models.DecimalField(
        _("hours spent"),
        max_digits=7,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    cost_cents = models.PositiveIntegerField(_("cost (cents)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    document = models.FileField(_("document"), upload_to="maintenance/%Y/%m/", blank=True)
    # A corrective intervention repairs a failure: when it broke and when it worked again.
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    restored_at = models.DateTimeField(_("working again at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_at"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        indexes = [
            models.Index(fields=["machine", "done_at"], name="maint_interv_machine_done"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True)
                | Q(failed_at__isnull=True)
                | Q(restored_at__gte=models.F("failed_at")),
                name="maint_interv_restored_after_failure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine}: {self.get_kind_display()}"


class PartMaterial(models.TextChoices):
    CAST_IRON = "cast_iron", _("cast iron")
    STEEL = "steel", _("steel")
    COPPER = "copper", _("copper")
    ALUMINIUM = "aluminium", _("aluminium")
    ELECTRONICS = "electronics", _("electronics")


class PartReplaced(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("part"), max_length=200)
    mass_kg = models.DecimalField(
        _("mass (kg)"), max_digits=9, decimal_places=3, validators=[MinValueValidator(ZERO)]
    )
    material = models.CharField(_("material"), max_length=12, choices=PartMaterial.choices)

    class Meta:
        verbose_name = _("part replaced")
        verbose_name_plural = _("parts replaced")

    def __str__(self) -> str:
        return self.name


class RetrofitProject(models.Model):
    """A machine rebuilt rather than replaced: what it was, what it became, what it took."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="retrofits")
    intervention = models.OneToOneField(
        Intervention, on_delete=models.PROTECT, related_name="retrofit_project"
    )
    title = models.CharField(_("title"), max_length=200)
    before_state = models.TextField(_("before"))
    after_state = models.TextField(_("after"), blank=True)
    cost_cents = models.PositiveIntegerField(_("cost (cents)"), default=0)
    kwh_per_year_before = models.FloatField(_("energy before (kWh/year)"), null=True, blank=True)
    kwh_per_year_after = models.FloatField(
        _("energy measured after (kWh/year)"), null=True, blank=True
    )
    embodied_kgco2e = models.FloatField(_("embodied carbon of the parts (kgCO2e)"), default=0.0)
    added_life_years = models.PositiveSmallIntegerField(
        _("years of life added"),
        null=True,
        blank=True,
        help_text=_("How many years the retrofit adds to the machine's expected life."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("retrofit project")
        verbose_name_plural = _("retrofit projects")

    def __str__(self) -> str:
        return self.title

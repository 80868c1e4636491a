"""Trainings, their sessions and registrations, and the qualifications they give."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.equipment.models import Machine, Process


class Training(models.Model):
    """A training that qualifies people for a machine or for a process (and its sub-processes)."""

    title = models.CharField(_("title"), max_length=200)
    machine = models.ForeignKey(
        Machine, on_delete=models.CASCADE, null=True, blank=True, related_name="trainings"
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, null=True, blank=True, related_name="trainings"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("given by"), on_delete=models.CASCADE, related_name="trainings"
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), default=24, validators=[MinValueValidator(1)]
    )
    idle_lapse_months = models.PositiveSmallIntegerField(
        _("lapses after (months without use)"),
        null=True,
        blank=True,
        help_text=_("Empty: use does not matter."),
    )

    class Meta:
        db_table = "sharing_training"  # the table the sharing app created
        ordering = ["title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(machine__isnull=False) | models.Q(process__isnull=False),
                name="sharing_training_machine_or_process",
            )
        ]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        db_table = "sharing_trainingsession"  # the table the sharing app created
        ordering = ["start"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.training} {self.start:%Y-%m-%d}"


class Registration(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_registrations"
    )
    attended = models.BooleanField(_("attended"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "sharing_registration"  # the table the sharing app created
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="sharing_registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.session}"


class Qualification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications"
    )
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="qualifications")
    issued_at = models.DateTimeField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires on"))
    last_used_at = models.DateTimeField(_("last used on"), null=True, blank=True)

    class Meta:
        db_table = "sharing_qualification"  # the table the sharing app created
        ordering = ["-issued_at"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "training"], name="sharing_qualification_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.training}"

"""Skills people list for the network (with their consent), and the trainings' waiting lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.directory.models import Commune, Organisation, Site
from maillage.equipment.models import Process
from maillage.qualifications.models import TrainingSession

__all__ = [
    "Skill",
    "SkillConsent",
    "SkillLevel",
    "SkillVisibility",
    "WaitingListEntry",
]


class SkillLevel(models.TextChoices):
    BEGINNER = "beginner", pgettext_lazy("skill level", "Beginner")
    CONFIRMED = "confirmed", pgettext_lazy("skill level", "Confirmed")
    EXPERT = "expert", pgettext_lazy("skill level", "Expert")


class SkillVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Network members only")
    HIDDEN = "hidden", _("Hidden (for me only)")


class SkillConsent(models.Model):
    """A person's consent to list their skills; withdrawn (empty date) hides them all at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_consent"
    )
    given_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("consent withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("skills consent")
        verbose_name_plural = _("skills consents")

    def __str__(self) -> str:
        return f"{self.user}: {self.given_at or '-'}"


class Skill(models.Model):
    """What one person knows how to do, where they are based, and who may see it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skills"
    )
    label = models.CharField(_("skill"), max_length=200)
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(
        _("level"), max_length=10, choices=SkillLevel.choices, default=SkillLevel.CONFIRMED
    )
    can_repair = models.BooleanField(_("can repair"), default=False)
    can_teach = models.BooleanField(_("can teach"), default=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visibility = models.CharField(
        _("visible to"),
        max_length=10,
        choices=SkillVisibility.choices,
        default=SkillVisibility.MEMBERS,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        indexes = [models.Index(fields=["visibility", "user"], name="cooperation_skill_vis")]

    def __str__(self) -> str:
        return f"{self.user}: {self.label}"


class WaitingListEntry(models.Model):
    """Someone waiting for a seat in a full training session; the first in line gets it."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="waiting_list"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_waits"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="cooperation_wait_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} … {self.session}"

"""Collective projects: the portfolio the network carries (lead, partners, theme, stage, budget)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.models.network import Network
from maillage.directory.models import Commune, Organisation

__all__ = ["Project", "ProjectStage", "ProjectTheme"]


class ProjectTheme(models.TextChoices):
    # The four axes of the "Territoires d'Industrie" programme...
    INNOVATE = "innovate", _("Innovate")
    ATTRACT = "attract", _("Attract")
    RECRUIT = "recruit", _("Recruit")
    SIMPLIFY = "simplify", _("Simplify")
    # ...and the low-tech axes of the mission.
    POOLING = "pooling", _("Pooling means of production")
    RETROFIT = "retrofit", _("Retrofit and reuse")
    LOCAL_DESIGN = "local_design", _("Local design and manufacture")
    LOOPS = "loops", _("Resource loops")


class ProjectStage(models.TextChoices):
    IDEA = "idea", _("Idea")
    STUDY = "study", _("Study")
    FUNDED = "funded", _("Funded")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class Project(models.Model):
    """A collective project: who leads it, what it is about, where it stands, what it costs."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="projects")
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    theme = models.CharField(_("theme"), max_length=20, choices=ProjectTheme.choices)
    stage = models.CharField(
        _("stage"), max_length=10, choices=ProjectStage.choices, default=ProjectStage.IDEA
    )
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_public = models.BooleanField(_("public page"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit and stage move; an edit made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("collective project")
        verbose_name_plural = _("collective projects")
        indexes = [models.Index(fields=["theme", "stage"], name="cooperation_project_theme")]

    def __str__(self) -> str:
        return self.title

"""Collective projects: the portfolio the network carries (lead, partners, theme, stage, budget)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.models.network import Network
from maillage.directory.models import Commune, Organisation
from maillage.equipment.models import Machine, Process
from maillage.matching.models import Need

__all__ = [
    "Milestone",
    "NeedKind",
    "Project",
    "ProjectNeed",
    "ProjectPartner",
    "ProjectStage",
    "ProjectTheme",
]


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


class ProjectPartner(models.Model):
    """An organisation taking part in a project besides its lead, with what it brings."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="project_partnerships",
    )
    role = models.CharField(_("role in the project"), max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "organisation__name"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="cooperation_partner_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.project})"


class NeedKind(models.TextChoices):
    MACHINE = "machine", _("Machine")
    PROCESS = "process", _("Process")
    SKILL = "skill", _("Skill")
    RESOURCE = "resource", _("Resource")


class ProjectNeed(models.Model):
    """What the project lacks: a machine, a process, a skill or a resource; met or not yet."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("kind of need"), max_length=10, choices=NeedKind.choices)
    machine = models.ForeignKey(
        Machine,
        verbose_name=_("machine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_needs",
    )
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_needs",
    )
    label = models.CharField(_("what is needed"), max_length=200)
    quantity = models.DecimalField(
        _("quantity or hours"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_met = models.BooleanField(_("met"), default=False)
    # The matching search it came from, when unmet searches started the project.
    source_need = models.ForeignKey(
        Need,
        verbose_name=_("search it came from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Every unmet search of the group that started it (the source need is one of them).
    unmet_needs = models.ManyToManyField(Need, blank=True, related_name="project_needs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "is_met", "pk"]
        verbose_name = _("project need")
        verbose_name_plural = _("project needs")

    def __str__(self) -> str:
        return self.label


class Milestone(models.Model):
    """A step of the project with its due date; done once `done_on` is set."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["project", "position", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

"""An open design as imported from its Open Know-How manifest, its parts and their processes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.equipment.models import Material, Process

__all__ = ["Design", "DesignPart", "PartProcess", "ProcessSource"]


class Design(models.Model):
    """One design (a machine, a tool), from an OKH manifest or entered by hand."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=60, blank=True)
    function = models.TextField(_("function"), blank=True)
    licence = models.CharField(_("licence (SPDX)"), max_length=120, blank=True)
    licensor = models.CharField(_("licensor"), max_length=200, blank=True)
    repository = models.URLField(_("repository"), max_length=500, blank=True)
    documentation_language = models.CharField(
        _("documentation language"), max_length=20, blank=True
    )
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    # The manifest as imported, kept as the record of what was read (the export is rebuilt from
    # the fields and parts; fields the import does not read stay only here).
    okh_version = models.CharField(_("OKH version"), max_length=40, blank=True)
    manifest = models.TextField(_("manifest"), blank=True)
    source_url = models.URLField(_("imported from"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("design")
        verbose_name_plural = _("designs")

    def __str__(self) -> str:
        return self.name


class DesignPart(models.Model):
    """A part of a design with what its manifest says: technology codes, material, mass, size."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    # OKH "tsdc" codes (3DP, CNC, PCB, COT…), space-separated as found.
    tsdc = models.CharField(_("technology codes"), max_length=120, blank=True)
    material_text = models.CharField(_("material (as written)"), max_length=200, blank=True)
    material = models.CharField(_("material"), max_length=20, choices=Material.choices, blank=True)
    mass_g = models.FloatField(_("mass (g)"), null=True, blank=True)
    size_x_mm = models.FloatField(_("size X (mm)"), null=True, blank=True)
    size_y_mm = models.FloatField(_("size Y (mm)"), null=True, blank=True)
    size_z_mm = models.FloatField(_("size Z (mm)"), null=True, blank=True)
    # Bought, not made (COT: commercial off-the-shelf): in the bill of materials, not in "who can
    # make this".
    off_the_shelf = models.BooleanField(_("bought off the shelf"), default=False)
    source_file = models.CharField(_("source file"), max_length=500, blank=True)

    class Meta:
        ordering = ["design", "position", "id"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return self.name


class ProcessSource(models.TextChoices):
    MANIFEST = "manifest", _("From the manifest")
    MANUAL = "manual", _("Corrected by hand")


class PartProcess(models.Model):
    """A process a part needs; a hand correction survives a re-import of the manifest."""

    part = models.ForeignKey(DesignPart, on_delete=models.CASCADE, related_name="processes")
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(
        _("source"), max_length=10, choices=ProcessSource.choices, default=ProcessSource.MANIFEST
    )

    class Meta:
        verbose_name = _("process of a part")
        verbose_name_plural = _("processes of parts")
        constraints = [
            models.UniqueConstraint(fields=["part", "process"], name="designs_part_process_once")
        ]

    def __str__(self) -> str:
        return f"{self.part}: {self.process}"

"""Machines and the shared tree of manufacturing processes they are tagged with."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.directory.models import Organisation, Site


class Process(models.Model):
    """A node of the capability taxonomy (DIN 8580 backbone plus the branches it lacks)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # "|1|1.1|1.1.2|": every ancestor's code, so "this node or a descendant" is one prefix match.
    path = models.CharField(max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    label_fr = models.CharField(_("French label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    label_de = models.CharField(_("German label"), max_length=200, blank=True)
    wikidata = models.CharField(_("Wikidata identifier"), max_length=20, blank=True)
    fablabs_key = models.CharField(_("fablabs.io key"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr


class Material(models.TextChoices):
    STEEL = "steel", _("Steel")
    STAINLESS = "stainless", _("Stainless steel")
    ALUMINIUM = "aluminium", _("Aluminium")
    COPPER_ALLOYS = "copper_alloys", _("Copper, brass, bronze")
    OTHER_METALS = "other_metals", _("Other metals")
    WOOD = "wood", _("Wood and wood panels")
    PLASTICS = "plastics", _("Plastics")
    COMPOSITES = "composites", _("Composites")
    TEXTILES = "textiles", _("Textiles")
    LEATHER = "leather", _("Leather")
    GLASS = "glass", _("Glass")
    CERAMICS = "ceramics", _("Ceramics and stone")
    PAPER = "paper", _("Paper and cardboard")
    FOOD = "food", _("Food")
    ELECTRONICS = "electronics", _("Electronic components")


class Condition(models.TextChoices):
    AS_NEW = "as_new", _("As new")
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")
    OUT_OF_ORDER = "out_of_order", _("Out of order")


class MachineStatus(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    DEGRADED = "degraded", _("Degraded")
    DOWN = "down", _("Down")
    RETIRED = "retired", _("Retired")


class ToleranceClass(models.TextChoices):
    """ISO 2768-1 general tolerance classes, finest first."""

    FINE = "f", _("f — fine")
    MEDIUM = "m", _("m — medium")
    COARSE = "c", _("c — coarse")
    VERY_COARSE = "v", _("v — very coarse")


POSITIVE = [MinValueValidator(0.0)]


class Machine(models.Model):
    """A means of production, aligned with the Open Know-Where equipment class."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="machines"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="machines"
    )
    name = models.CharField(_("name"), max_length=200)
    make = models.CharField(_("make"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1850)]
    )
    processes = models.ManyToManyField(
        Process, verbose_name=_("processes"), related_name="machines"
    )
    envelope_x_mm = models.FloatField(_("work envelope X (mm)"), null=True, blank=True)
    envelope_y_mm = models.FloatField(_("work envelope Y (mm)"), null=True, blank=True)
    envelope_z_mm = models.FloatField(_("work envelope Z (mm)"), null=True, blank=True)
    max_part_mass_kg = models.FloatField(
        _("maximum part mass (kg)"), null=True, blank=True, validators=POSITIVE
    )
    power_kw = models.FloatField(_("power rating (kW)"), null=True, blank=True, validators=POSITIVE)
    computer_controlled = models.BooleanField(_("computer-controlled"), default=False)
    tolerance_class = models.CharField(
        _("tolerance class (ISO 2768)"), max_length=1, choices=ToleranceClass.choices, blank=True
    )
    condition = models.CharField(
        _("condition"), max_length=20, choices=Condition.choices, default=Condition.GOOD
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MachineStatus.choices, default=MachineStatus.OPERATIONAL
    )
    notes = models.TextField(_("notes"), blank=True)
    # Where an imported machine came from, so that a re-import updates instead of duplicating.
    # Folded name, make, model and process labels, for one accent-blind search on any database.
    search_text = models.TextField(editable=False, blank=True)
    source = models.CharField(max_length=40, blank=True, editable=False)
    source_ref = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[processes], excluded_fields=["search_text"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("machine")
        verbose_name_plural = _("machines")
        indexes = [
            models.Index(fields=["status", "organisation"], name="equipment_machine_status_org"),
            # The machine list is ordered by name: its first page reads the index, not a sort.
            models.Index(fields=["name", "id"], name="equipment_machine_name_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source=""),
                name="equipment_machine_source_unique",
            ),
            models.CheckConstraint(
                condition=(
                    (models.Q(envelope_x_mm__isnull=True) | models.Q(envelope_x_mm__gt=0))
                    & (models.Q(envelope_y_mm__isnull=True) | models.Q(envelope_y_mm__gt=0))
                    & (models.Q(envelope_z_mm__isnull=True) | models.Q(envelope_z_mm__gt=0))
                ),
                name="equipment_machine_envelope_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("equipment:machine", args=[self.pk])

    def material_codes(self) -> list[str]:
        return sorted(m.material for m in self.materials.all())

    def material_labels(self) -> list[str]:
        return [str(Material(code).label) for code in self.material_codes()]

    def envelope(self) -> tuple[float, float, float] | None:
        if None in (self.envelope_x_mm, self.envelope_y_mm, self.envelope_z_mm):
            return None
        return (self.envelope_x_mm, self.envelope_y_mm, self.envelope_z_mm)  # type: ignore[return-value]


class MachineMaterial(models.Model):
    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="materials")
    material = models.CharField(_("material"), max_length=20, choices=Material.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["machine", "material"], name="equipment_machine_material"
            )
        ]
        indexes = [models.Index(fields=["material", "machine"], name="equipment_material_machine")]

    def __str__(self) -> str:
        return self.get_material_display()


class DocumentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    MANUAL = "manual", _("Manual")
    SCHEMATIC = "schematic", _("Schematic or plan")
    RISK_SHEET = "risk_sheet", _("Risk sheet")
    OTHER = "other", _("Other")


class MachineDocument(models.Model):
    """A photo, manual, schematic or risk sheet: an uploaded file or a link."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="machines/%Y/%m/", blank=True)
    url = models.URLField(_("link"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""),
                name="equipment_document_file_or_url",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url

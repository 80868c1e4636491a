"""What goes out and what comes in: the European List of Waste and the declarations of a site,
each private field with its own visibility, and the log of coordinators' reads of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation, Site

__all__ = [
    "ALL_MONTHS",
    "DeclarationState",
    "Direction",
    "MaterialCategory",
    "Packaging",
    "Period",
    "PrivateFieldRead",
    "QuantityUnit",
    "RegulatoryStatus",
    "ResourceDeclaration",
    "Visibility",
    "WasteCode",
]

# Seasonality as a bit mask, January = bit 0: every month is 0b1111_1111_1111.
ALL_MONTHS = (1 << 12) - 1


class WasteCode(models.Model):
    """An entry, section or chapter of the European List of Waste (Decision 2000/532/EC)."""

    code = models.CharField(_("code"), max_length=9, primary_key=True)  # "02 01 04" at level 3
    level = models.PositiveSmallIntegerField(_("level"))  # 1 chapter, 2 section, 3 entry
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    hazardous = models.BooleanField(_("hazardous"), default=False)
    # "Absolute hazardous", "Mirror hazardous", "Absolute non-hazardous", "Mirror non-hazardous".
    entry_type = models.CharField(_("entry type"), max_length=30, blank=True)
    description_fr = models.TextField(_("description (French)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    search_text = models.TextField(editable=False, blank=True)  # folded code and both texts

    class Meta:
        ordering = ["code"]
        verbose_name = _("waste code")
        verbose_name_plural = _("waste codes")

    def __str__(self) -> str:
        return f"{self.code}{'*' if self.hazardous else ''} {self.description_fr}"

    @property
    def chapter(self) -> str:
        return self.code[:2]

    @property
    def section(self) -> str:
        return self.code[:5]


class Direction(models.TextChoices):
    OFFER = "offer", _("Offer (goes out)")
    DEMAND = "demand", _("Demand (comes in)")


class MaterialCategory(models.TextChoices):
    """For what is not a waste, or to say what a demand can take without naming a code."""

    WOOD = "wood", _("Wood")
    METAL = "metal", _("Metal")
    PLASTIC = "plastic", _("Plastics")
    TEXTILE = "textile", _("Textiles")
    PAPER = "paper", _("Paper and cardboard")
    GLASS = "glass", _("Glass")
    ORGANIC = "organic", _("Organic matter")
    MINERAL = "mineral", _("Minerals and aggregates")
    CHEMICAL = "chemical", _("Chemicals and solvents")
    CONTAINER = "container", _("Reusable containers and pallets")
    OTHER = "other", _("Other")


class QuantityUnit(models.TextChoices):
    TONNE = "t", _("tonnes")
    KILOGRAM = "kg", _("kilograms")
    CUBIC_METRE = "m3", _("cubic metres")
    UNIT = "unit", _("units")


class Period(models.TextChoices):
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class RegulatoryStatus(models.TextChoices):
    WASTE = "waste", _("Waste")
    BY_PRODUCT = "by_product", _("By-product")
    END_OF_WASTE = "end_of_waste", _("End-of-waste status")
    PRODUCT = "product", _("Product or virgin material")


class Packaging(models.TextChoices):
    BULK = "bulk", _("Bulk")
    BIG_BAG = "big_bag", _("Big bags")
    PALLET = "pallet", _("Pallets")
    SKIP = "skip", _("Skip or container")
    DRUM = "drum", _("Drums or IBCs")
    CRATE = "crate", _("Crates")
    OTHER = "other", _("Other")


class Visibility(models.TextChoices):
    """Who reads a private field besides the declaring organisation's members.

    PUBLIC: everyone. COORDINATORS: the network's coordinators only (each read logged).
    COUNTERPART: coordinators (logged) and the counterpart of a synergy both sides accepted.
    """

    PUBLIC = "public", _("Everyone")
    COORDINATORS = "coordinators", _("The network's coordinators only")
    COUNTERPART = "counterpart", _("Coordinators, and a counterpart once both accept")


class DeclarationState(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class ResourceDeclaration(models.Model):
    """A resource a site gives out (offer) or takes in (demand), by code or by category.

    Always public: direction, code or category, title, the site's commune, the order of magnitude
    of the quantity, the period and seasonality. Each group of private fields has its visibility.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="resource_declarations"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="resource_declarations")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    waste_code = models.ForeignKey(
        WasteCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        verbose_name=_("List of Waste code"),
    )
    category = models.CharField(
        _("material category"), max_length=20, choices=MaterialCategory.choices
    )
    title = models.CharField(_("title"), max_length=200)
    # The quantity as a range per period; public as an order of magnitude only.
    quantity_min = models.DecimalField(_("minimum quantity"), max_digits=14, decimal_places=3)
    quantity_max = models.DecimalField(_("maximum quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=5, choices=QuantityUnit.choices)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    months = models.PositiveSmallIntegerField(
        _("months of availability"), default=ALL_MONTHS, help_text=_("January is bit 0.")
    )
    minimum_lot = models.DecimalField(
        _("minimum lot"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    composition = models.TextField(_("quality and composition notes"), blank=True)
    packaging = models.CharField(
        _("packaging"), max_length=10, choices=Packaging.choices, blank=True
    )
    regulatory_status = models.CharField(
        _("regulatory status"), max_length=20, choices=RegulatoryStatus.choices
    )
    # Euros per unit: the price asked (offer) or offered (demand), when one is stated.
    price = models.DecimalField(
        _("price per unit (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # What the declarer pays today per unit: disposal of an offer, virgin purchase for a demand.
    current_cost = models.DecimalField(
        _("current cost per unit (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quantity_visibility = models.CharField(
        _("who sees the exact quantity"),
        max_length=15,
        choices=Visibility.choices,
        default=Visibility.COUNTERPART,
    )
    price_visibility = models.CharField(
        _("who sees the price and costs"),
        max_length=15,
        choices=Visibility.choices,
        default=Visibility.COUNTERPART,
    )
    composition_visibility = models.CharField(
        _("who sees the composition"),
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
        verbose_name = _("resource declaration")
        verbose_name_plural = _("resource declarations")
        indexes = [
            models.Index(fields=["direction", "state", "category"], name="symb_decl_dir_state_cat"),
            models.Index(fields=["waste_code", "direction"], name="symb_decl_code_dir"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_min__gte=0)
                & models.Q(quantity_max__gte=models.F("quantity_min")),
                name="symb_decl_quantity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(months__gte=1) & models.Q(months__lte=ALL_MONTHS),
                name="symb_decl_months_mask",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_direction_display()})"


class PrivateFieldRead(models.Model):
    """A coordinator read private fields of a declaration that is not their organisation's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Generic so heat declarations and loops log the same way: "resource", "heat", ...
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    fields = models.CharField(max_length=200)  # comma-separated field groups read
    channel = models.CharField(max_length=20)  # page, api, csv, geojson
    path = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("read of a private field")
        verbose_name_plural = _("reads of private fields")
        indexes = [models.Index(fields=["kind", "object_id"], name="symb_read_object")]

    def __str__(self) -> str:
        return f"{self.user} read {self.kind} {self.object_id} ({self.fields})"

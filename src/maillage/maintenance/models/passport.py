"""Maintenance: the machine passport and its second life.

Who held the machine and how it came to them (ownership periods), which passport fields the
owner keeps private, offers to hand the machine on (sale, donation, long loan) and the end of
its life (decommissioning with its destination and, for recycling, the materials by List of
Waste code).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.directory.models import Organisation, Site
from maillage.equipment.models import Machine, Material

__all__ = [
    "DEFAULT_PRIVATE_FIELDS",
    "OPEN_TRANSFER_STATES",
    "Acquisition",
    "DecommissionedMaterial",
    "Decommissioning",
    "Destination",
    "OwnershipPeriod",
    "PassportField",
    "PassportPrivacy",
    "Transfer",
    "TransferKind",
    "TransferState",
]


class Acquisition(models.TextChoices):
    BOUGHT_NEW = "bought_new", _("Bought new")
    SECOND_HAND = "second_hand", _("Bought second-hand")
    DONATION = "donation", _("Received as a donation")
    LONG_LOAN = "long_loan", _("On long loan")
    SELF_BUILT = "self_built", _("Self-built")
    NOT_RECORDED = "not_recorded", _("Not recorded")


class PassportField(models.TextChoices):
    """The passport's fields an owner may keep to its own members (and the coordinators)."""

    PURCHASE_PRICE = "purchase_price", _("Purchase price")
    SERIAL_NUMBER = "serial_number", _("Serial number")
    LOCATION = "location", _("Location")
    HOURS = "hours", _("Hours used")
    INTERVENTIONS = "interventions", _("Interventions")


# What a passport keeps private until the owner says otherwise (the machine page already shows
# the serial number to the organisation's members only).
DEFAULT_PRIVATE_FIELDS = (PassportField.PURCHASE_PRICE, PassportField.SERIAL_NUMBER)


class OwnershipPeriod(models.Model):
    """One organisation's time with the machine; the open period (no end) is the current one."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="ownerships")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="machine_ownerships",
    )
    # A past owner outside the network has a name, not an organisation.
    holder_name = models.CharField(_("owner outside the network"), max_length=200, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    acquisition = models.CharField(
        _("how acquired"),
        max_length=20,
        choices=Acquisition.choices,
        default=Acquisition.NOT_RECORDED,
    )
    price_cents = models.PositiveIntegerField(_("purchase price (cents)"), null=True, blank=True)
    transfer = models.ForeignKey(
        "maintenance.Transfer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The transfer through Maillage that began this period, if any."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["machine", models.F("started_on").asc(nulls_first=True), "pk"]
        verbose_name = _("ownership period")
        verbose_name_plural = _("ownership periods")
        constraints = [
            models.UniqueConstraint(
                fields=["machine"],
                condition=models.Q(ended_on__isnull=True),
                name="maintenance_one_current_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="maintenance_ownership_order",
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(holder_name=""),
                name="maintenance_ownership_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine}: {self.holder}"

    @property
    def holder(self) -> str:
        return self.organisation.name if self.organisation else self.holder_name


class PassportPrivacy(models.Model):
    """Which passport fields the owner keeps private; no row means the defaults."""

    machine = models.OneToOneField(
        Machine, on_delete=models.CASCADE, related_name="passport_privacy"
    )
    private_fields = models.JSONField(_("private fields"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("passport privacy")
        verbose_name_plural = _("passport privacy")

    def __str__(self) -> str:
        return f"{self.machine}: {', '.join(self.private_fields)}"


class TransferKind(models.TextChoices):
    SALE = "sale", _("Sale")
    DONATION = "donation", _("Donation")
    LONG_LOAN = "long_loan", _("Long loan")


class TransferState(models.TextChoices):
    LISTED = "listed", _("Offered")
    RESERVED = "reserved", _("Asked for")
    TRANSFERRED = "transferred", _("Transferred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An offer still open: at most one per machine.
OPEN_TRANSFER_STATES = (TransferState.LISTED, TransferState.RESERVED)


class Transfer(models.Model):
    """An offer to hand a machine on, from its listing to the handover (or its withdrawal)."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="transfers_out"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TransferKind.choices)
    asking_price_cents = models.PositiveIntegerField(
        _("asking price (cents)"), null=True, blank=True
    )
    loan_until = models.DateField(_("loan ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=TransferState.choices, default=TransferState.LISTED
    )
    to_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
    )
    to_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("message to the owner"), blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transfer offer")
        verbose_name_plural = _("transfer offers")
        indexes = [models.Index(fields=["state", "kind"], name="maintenance_transfer_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["machine"],
                condition=models.Q(state__in=["listed", "reserved"]),
                name="maintenance_one_open_transfer",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["reserved", "transferred"])
                | models.Q(to_organisation__isnull=False),
                name="maintenance_transfer_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine} ({self.get_kind_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_TRANSFER_STATES


class Destination(models.TextChoices):
    REUSE = "reuse", _("Reuse elsewhere")
    REMANUFACTURE = "remanufacture", _("Remanufacture")
    RECYCLING = "recycling", _("Recycling")


class Decommissioning(models.Model):
    """The end of a machine's life in the network, and where it went."""

    machine = models.OneToOneField(
        Machine, on_delete=models.CASCADE, related_name="decommissioning"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="decommissionings"
    )
    decommissioned_on = models.DateField(_("date"))
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    recipient = models.CharField(_("taken by"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decommissioned_on", "-pk"]
        verbose_name = _("decommissioning")
        verbose_name_plural = _("decommissionings")

    def __str__(self) -> str:
        return f"{self.machine}: {self.get_destination_display()}"


class DecommissionedMaterial(models.Model):
    """A material sent to recycling, its mass and its List of Waste code."""

    decommissioning = models.ForeignKey(
        Decommissioning, on_delete=models.CASCADE, related_name="materials"
    )
    material = models.CharField(_("material"), max_length=20, choices=Material.choices)
    mass_kg = models.DecimalField(
        _("mass (kg)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    waste_code = models.CharField(_("List of Waste code"), max_length=8)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recycled material")
        verbose_name_plural = _("recycled materials")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mass_kg__gt=0), name="maintenance_material_mass_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_material_display()} {self.mass_kg} kg ({self.waste_code})"

"""The cooperation network (a PTCE, a regional resource centre), its colleges and members."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation

__all__ = ["College", "CollegeKind", "Network", "NetworkMember"]


class Network(models.Model):
    """One per installation today; every cooperation row hangs from one, so several can come."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class CollegeKind(models.TextChoices):
    COMPANIES = "companies", _("Companies")
    THIRD_PLACES = "third_places", _("Third places and fab labs")
    PUBLIC_BODIES = "public_bodies", _("Public bodies")
    ASSOCIATIONS = "associations", _("Associations")


class College(models.Model):
    """A group of members that votes as one weight in the general assembly."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="colleges")
    kind = models.CharField(_("college"), max_length=20, choices=CollegeKind.choices)
    # The share of the college in a weighted vote, in percent; the colleges of a network sum to
    # 100 when the statutes weight them (the actions check it), or all stay 0 for one member, one
    # vote.
    weight_percent = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    annual_fee = models.DecimalField(
        _("annual fee (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["network", "kind"]
        verbose_name = _("college")
        verbose_name_plural = _("colleges")
        constraints = [
            models.UniqueConstraint(fields=["network", "kind"], name="cooperation_college_once")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class NetworkMember(models.Model):
    """An organisation's membership of the network, in one college, between two dates."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="network_memberships"
    )
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="members")
    start = models.DateField(_("member since"))
    end = models.DateField(_("member until"), null=True, blank=True)
    fee = models.DecimalField(
        _("fee (€ per year)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_paid_until = models.DateField(_("fee paid until"), null=True, blank=True)

    class Meta:
        ordering = ["network", "college", "organisation__name"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="cooperation_member_dates",
            ),
            # One open membership per organisation and network.
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=models.Q(end__isnull=True),
                name="cooperation_member_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.college})"

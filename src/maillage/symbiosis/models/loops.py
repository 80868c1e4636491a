"""Reusable containers: a deposit-return loop, its members, their stocks and the van's rounds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation, Site

__all__ = [
    "CollectionRound",
    "ContainerLoop",
    "LoopMember",
    "LoopMonth",
    "LoopRole",
    "RoundState",
    "StockReport",
]


class ContainerLoop(models.Model):
    """A deposit-return loop run by a hub: a washing centre, producers that fill, shops."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="container_loops"
    )
    description = models.TextField(_("description"), blank=True)
    container = models.CharField(_("container"), max_length=120)  # "75 cl glass bottle"
    container_mass_g = models.PositiveIntegerField(_("mass of a reusable container (g)"))
    single_use_mass_g = models.PositiveIntegerField(_("mass of the single-use equivalent (g)"))
    crate_size = models.PositiveSmallIntegerField(_("containers per crate"))
    van_capacity_crates = models.PositiveSmallIntegerField(_("van capacity (crates)"))
    deposit_eur = models.DecimalField(_("deposit (€)"), max_digits=6, decimal_places=2)
    containers_in_circulation = models.PositiveIntegerField(_("containers in circulation"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("container loop")
        verbose_name_plural = _("container loops")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(crate_size__gte=1) & models.Q(van_capacity_crates__gte=1),
                name="symb_loop_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LoopRole(models.TextChoices):
    WASHER = "washer", _("Washing centre")
    PRODUCER = "producer", _("Producer (fills)")
    SHOP = "shop", _("Shop (sells and takes empties back)")


class LoopMember(models.Model):
    """A site in the loop with its role; the van's round starts and ends at the washing centre."""

    loop = models.ForeignKey(ContainerLoop, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=LoopRole.choices)
    active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        ordering = ["loop", "role", "pk"]
        verbose_name = _("loop member")
        verbose_name_plural = _("loop members")
        constraints = [
            models.UniqueConstraint(fields=["loop", "site", "role"], name="symb_loop_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class StockReport(models.Model):
    """A member's declared stock: crates of empties to collect, full crates wanted."""

    member = models.ForeignKey(LoopMember, on_delete=models.CASCADE, related_name="stock_reports")
    empty_crates = models.PositiveSmallIntegerField(_("crates of empties to collect"), default=0)
    full_crates_wanted = models.PositiveSmallIntegerField(_("full crates wanted"), default=0)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("stock report")
        verbose_name_plural = _("stock reports")

    def __str__(self) -> str:
        return f"{self.member}: {self.empty_crates} / {self.full_crates_wanted}"


class LoopMonth(models.Model):
    """A month of the loop: containers filled, sold, returned and broken."""

    loop = models.ForeignKey(ContainerLoop, on_delete=models.CASCADE, related_name="months")
    month = models.DateField(_("month"))  # the first day of the month
    filled = models.PositiveIntegerField(_("filled"), default=0)
    sold = models.PositiveIntegerField(_("sold"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    broken = models.PositiveIntegerField(_("broken or discarded"), default=0)

    class Meta:
        ordering = ["loop", "month"]
        verbose_name = _("month of a loop")
        verbose_name_plural = _("months of a loop")
        constraints = [
            models.UniqueConstraint(fields=["loop", "month"], name="symb_loop_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.loop} {self.month:%Y-%m}"


class RoundState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CollectionRound(models.Model):
    """The van's planned round: its stops in order, as the router computed them."""

    loop = models.ForeignKey(ContainerLoop, on_delete=models.CASCADE, related_name="rounds")
    planned_for = models.DateField(_("date"))
    state = models.CharField(
        _("state"), max_length=10, choices=RoundState.choices, default=RoundState.PLANNED
    )
    # [{"member": id, "pickup": crates, "delivery": crates, "load_after": crates}, ...] in order.
    stops = models.JSONField(default=list)
    distance_km = models.FloatField(_("distance (km)"))
    unserved = models.JSONField(default=list)  # member ids the van could not fit
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the round was closed: stock reports before it were collected.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-planned_for", "-pk"]
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")

    def __str__(self) -> str:
        return f"{self.loop} {self.planned_for}"

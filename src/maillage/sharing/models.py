"""Offers, opening hours, closures and downtimes, bookings with their usage, calendar feeds."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.core.models import ends_after_start
from maillage.directory.models import Organisation, Site
from maillage.equipment.models import Machine
from maillage.qualifications.models import Training


class Audience(models.TextChoices):
    OWN = "own", _("Own organisation only")
    NETWORK = "network", _("Members of the network's organisations")
    REGISTERED = "registered", _("Anyone registered")


class Mode(models.TextChoices):
    SELF_SERVICE = "self_service", _("Self-service")
    WITH_OPERATOR = "with_operator", _("With the host's operator")
    ON_REQUEST = "on_request", _("On request, approved by the host")


class Billing(models.TextChoices):
    BOOKED = "booked", _("By booked time")
    USED = "used", _("By recorded use")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class OpeningWindow(models.Model):
    """A weekly opening, local time, for a whole site or one machine."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="opening_windows"
    )
    machine = models.ForeignKey(
        Machine, on_delete=models.CASCADE, null=True, blank=True, related_name="opening_windows"
    )
    weekday = models.PositiveSmallIntegerField(
        _("day"),
        choices=WEEKDAYS,
    )
    start = models.TimeField(_("opens at"))
    end = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("opening window")
        verbose_name_plural = _("opening windows")
        constraints = [
            ends_after_start("sharing_window_order"),
            models.CheckConstraint(
                condition=models.Q(site__isnull=False) | models.Q(machine__isnull=False),
                name="sharing_window_site_or_machine",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ExceptionKind(models.TextChoices):
    CLOSURE = "closure", _("Closure")
    OPENING = "opening", _("Exceptional opening")


class AvailabilityException(models.Model):
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="availability_exceptions",
    )
    machine = models.ForeignKey(
        Machine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="availability_exceptions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("closure or exceptional opening")
        verbose_name_plural = _("closures and exceptional openings")
        constraints = [ends_after_start("sharing_exception_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}"


class Downtime(models.Model):
    """A period when the machine cannot be used (breakdown, maintenance)."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="downtimes")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(
        _("to"), null=True, blank=True, help_text=_("Empty while still down.")
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("downtime")
        verbose_name_plural = _("downtimes")

    def __str__(self) -> str:
        return f"{self.machine}: {self.reason}"


def unknown_secret_hash() -> str:
    """The hash of a secret nobody was given: no feed URL works until one is made."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


class Offer(models.Model):
    """How a machine is shared: who may book, how, at what price and under which rules."""

    machine = models.OneToOneField(Machine, on_delete=models.CASCADE, related_name="offer")
    active = models.BooleanField(_("open for booking"), default=True)
    audience = models.CharField(
        _("who may book"), max_length=20, choices=Audience.choices, default=Audience.NETWORK
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ON_REQUEST)
    billing = models.CharField(
        _("billing"), max_length=10, choices=Billing.choices, default=Billing.BOOKED
    )
    price_own_cents = models.PositiveIntegerField(
        _("hourly price, own organisation (cents)"), default=0
    )
    price_member_cents = models.PositiveIntegerField(
        _("hourly price, network member (cents)"), default=0
    )
    price_outsider_cents = models.PositiveIntegerField(
        _("hourly price, outsider (cents)"), default=0
    )
    fixed_fee_cents = models.PositiveIntegerField(_("fixed fee per booking (cents)"), default=0)
    min_minutes = models.PositiveIntegerField(
        _("minimum duration (minutes)"), default=30, validators=[MinValueValidator(5)]
    )
    max_minutes = models.PositiveIntegerField(
        _("maximum duration (minutes)"), default=480, validators=[MinValueValidator(5)]
    )
    buffer_minutes = models.PositiveIntegerField(_("buffer between bookings (minutes)"), default=0)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=0)
    horizon_days = models.PositiveIntegerField(
        _("booking horizon (days)"), default=90, validators=[MinValueValidator(1)]
    )
    no_show_grace_minutes = models.PositiveIntegerField(
        _("no-show grace period (minutes)"), default=30
    )
    required_trainings = models.ManyToManyField(
        Training, verbose_name=_("required trainings"), blank=True, related_name="offers"
    )
    accept_network_qualifications = models.BooleanField(
        _("accept equivalent trainings given elsewhere in the network"),
        default=True,
        help_text=_(
            "Off: only the trainings listed here count. On: a valid qualification for the same "
            "machine or for the same process (or a broader one) given by another organisation "
            "counts too."
        ),
    )
    safety_notes = models.TextField(_("safety notes the booker must acknowledge"), blank=True)
    # SHA-256 of the secret in the machine's iCalendar feed URL; the secret is shown once.
    feed_token_hash = models.CharField(max_length=64, unique=True, default=unknown_secret_hash)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["feed_token_hash"])

    class Meta:
        verbose_name = _("sharing offer")
        verbose_name_plural = _("sharing offers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_minutes__gte=models.F("min_minutes")),
                name="sharing_offer_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine} ({self.get_audience_display()})"


class BookingState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    REFUSED = "refused", _("Refused")


# States that hold the machine: the database refuses two of them overlapping.
LIVE_STATES = (BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.CHECKED_IN)


class Booking(models.Model):
    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="bookings")
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    # The organisation that pays; empty for an outsider booking in their own name.
    booker_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings_made"
    )
    host_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="bookings_hosted"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # [start, blocked_until): the booking and the host's buffer after it.
    blocked_until = models.DateTimeField(editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=BookingState.choices, default=BookingState.REQUESTED
    )
    tier = models.CharField(_("price tier"), max_length=10)
    rate_cents = models.PositiveIntegerField(_("hourly price (cents)"), default=0)
    fixed_fee_cents = models.PositiveIntegerField(_("fixed fee (cents)"), default=0)
    billing = models.CharField(max_length=10, choices=Billing.choices, default=Billing.BOOKED)
    estimated_cents = models.PositiveIntegerField(_("estimated amount (cents)"), default=0)
    final_cents = models.PositiveIntegerField(_("final amount (cents)"), null=True, blank=True)
    priced_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note to the host"), blank=True)
    safety_acknowledged_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    hours_used = models.DecimalField(
        _("machine hours used"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    meter_reading = models.DecimalField(
        _("meter reading"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    consumables = models.TextField(_("consumables"), blank=True)
    problem_report = models.TextField(_("problem report"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["machine", "start"], name="sharing_booking_machine_start"),
            models.Index(fields=["booker", "start"], name="sharing_booking_booker_start"),
            models.Index(
                fields=["host_organisation", "completed_at"], name="sharing_booking_host_done"
            ),
        ]
        constraints = [
            ends_after_start("sharing_booking_order"),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gte=models.F("end")),
                name="sharing_booking_buffer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def amount_cents(self) -> int:
        return self.final_cents if self.final_cents is not None else self.estimated_cents


class CalendarToken(models.Model):
    """An iCalendar feed secret's SHA-256, one per person; renewing it revokes old links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} calendar"

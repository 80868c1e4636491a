"""The network's events and meetings, and who registered for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.models.governance import Body
from maillage.cooperation.models.network import Network
from maillage.core.validators import validate_single_line
from maillage.directory.models import Commune, Organisation

__all__ = ["Event", "EventRegistration"]


class Event(models.Model):
    """A meeting, a visit, a workshop: public ones on the network page and in its calendar."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="events")
    body = models.ForeignKey(
        Body,
        verbose_name=_("meeting of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="cooperation_event_dates"
            ),
        ]
        indexes = [models.Index(fields=["network", "start"], name="cooperation_event_start")]

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    """A person's place at an event; cancelling keeps the row and frees the place."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=models.Q(cancelled_at__isnull=True),
                name="cooperation_registration_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event}"

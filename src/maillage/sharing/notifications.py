"""The e-mails of the sharing domain, built from the rows as they are when the worker sends.

Called by `tasks` after the commit; sent with `maillage.core.mail.send_notification`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.mail import send_notification
from maillage.directory.notifications import admin_emails
from maillage.sharing.models import AvailabilityException, Booking, BookingState, Downtime


def send_booking_notification(booking_id: int, event: str, state: str, start: str) -> None:
    booking = (
        Booking.objects.select_related("machine", "booker", "host_organisation")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return  # deleted meanwhile: nobody left to tell
    local = timezone.localtime(dt.datetime.fromisoformat(start))
    subject = _("%(machine)s, %(when)s: %(state)s") % {
        "machine": booking.machine.name,
        "when": local.strftime("%d/%m/%Y %H:%M"),
        "state": BookingState(state).label,
    }
    url = settings.SITE_URL.rstrip("/") + "/bookings/"
    body = f"{subject}\n{booking.reason}\n\n{url}".strip()
    if booking.booker.email:
        send_notification(subject, body, [booking.booker.email])
    hosts = admin_emails(booking.host_organisation)
    if hosts and event in ("requested", "moved", "cancelled", "completed"):
        send_notification(
            subject, body + "\n" + settings.SITE_URL.rstrip("/") + "/bookings/host/", hosts
        )


def send_downtime_notification(downtime_id: int, booking_ids: list[int]) -> None:
    _tell_bookers(
        Downtime.objects.filter(pk=downtime_id).first(),
        booking_ids,
        _("%(machine)s is out of service"),
        _("Your booking of %(when)s is affected: %(reason)s. The host will contact you."),
    )


def send_closure_notification(exception_id: int, booking_ids: list[int]) -> None:
    _tell_bookers(
        AvailabilityException.objects.filter(pk=exception_id).first(),
        booking_ids,
        _("%(machine)s will be closed"),
        _(
            "Your booking of %(when)s falls during a closure (%(reason)s). "
            "The host will contact you."
        ),
    )


def _tell_bookers(
    cause: Downtime | AvailabilityException | None, booking_ids: list[int], subject: str, text: str
) -> None:
    """One e-mail to each affected booker: the subject names the machine, the text the time.

    Nothing when the downtime or closure was deleted meanwhile.
    """
    if cause is None:
        return
    reason = cause.reason or _("no reason given")  # a downtime always has one; a closure may not
    for booking in Booking.objects.filter(pk__in=booking_ids).select_related("booker", "machine"):
        if booking.booker.email:
            send_notification(
                subject % {"machine": booking.machine.name},
                text
                % {
                    "when": timezone.localtime(booking.start).strftime("%d/%m/%Y %H:%M"),
                    "reason": reason,
                },
                [booking.booker.email],
            )

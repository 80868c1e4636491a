"""The e-mails of breakdowns, built from the rows as they are when the worker sends.

Called by `tasks.breakdowns` after the commit; sent with `maillage.core.mail.send_notification`.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.mail import send_notification
from maillage.directory.notifications import admin_emails
from maillage.maintenance.models.breakdowns import AffectedBooking, BreakdownReport


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_report_notification(report_id: int) -> None:
    """The host organisation's administrators hear of a new report."""
    report = (
        BreakdownReport.objects.select_related("machine__organisation", "reporter")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return
    subject = _("Breakdown reported: %(machine)s") % {"machine": report.machine.name}
    body = _("%(who)s reports: %(text)s\n\nConfirm or dismiss it: %(url)s") % {
        "who": report.reporter.display_name(),
        "text": report.description,
        "url": _site_url(reverse("maintenance:breakdowns_host")),
    }
    send_notification(subject, body, admin_emails(report.machine.organisation))


def send_affected_notification(report_id: int) -> None:
    """Each booker whose booking falls in the breakdown's window: the machine offered instead."""
    rows = AffectedBooking.objects.filter(report_id=report_id).select_related(
        "booking__booker", "booking__machine", "alternative__organisation", "report"
    )
    url = _site_url(reverse("maintenance:breakdowns_mine"))
    for row in rows:
        booker = row.booking.booker
        if not booker.email:
            continue
        when = timezone.localtime(row.booking.start).strftime("%d/%m/%Y %H:%M")
        subject = _("%(machine)s has broken down: your booking of %(when)s") % {
            "machine": row.booking.machine.name,
            "when": when,
        }
        if row.alternative is not None:
            offer = _(
                "The nearest machine free for the same slot is %(machine)s (%(org)s, %(km)s km). "
                "Rebook in one click: %(url)s"
            ) % {
                "machine": row.alternative.name,
                "org": row.alternative.organisation.name,
                "km": f"{row.alternative_km or 0:.1f}".replace(".", ","),
                "url": url,
            }
        else:
            offer = _("No capable machine is free for the same slot nearby. See: %(url)s") % {
                "url": url
            }
        estimated = timezone.localtime(row.report.estimated_end).strftime("%d/%m/%Y %H:%M")
        body = _("The machine is out of service until about %(end)s.") % {"end": estimated}
        send_notification(subject, body + "\n\n" + offer, [booker.email])

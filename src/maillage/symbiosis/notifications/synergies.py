"""The e-mails of synergies: the other side's administrators hear of each step.

Called by `tasks.synergies` after the commit; sent with `maillage.core.mail.send_notification`.
The e-mail names only public things (titles, the new state): never a private value.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.mail import send_notification
from maillage.directory.notifications import admin_emails
from maillage.symbiosis.models import Synergy


def _step_text(step: str) -> str:
    texts = {
        "discussing": _("The discussion is open."),
        "accepted": _("One side accepted the synergy; it waits for the other side."),
        "agreed": _("Both sides accepted: the exact quantities, prices and sites are now shared."),
        "declined": _("The synergy was declined."),
        "running": _("The exchanges have started."),
        "ended": _("The synergy has ended."),
    }
    return texts.get(step, step)


def send_step_notification(synergy_id: int, step: str, actor_organisation_id: int | None) -> None:
    """The administrators of each side other than the actor's hear of the step."""
    synergy = (
        Synergy.objects.select_related("offer__organisation", "demand__organisation")
        .filter(pk=synergy_id)
        .first()
    )
    if synergy is None:
        return
    url = settings.SITE_URL.rstrip("/") + reverse("symbiosis:synergy", args=[synergy.pk])
    subject = _("Synergy %(offer)s → %(demand)s: %(state)s") % {
        "offer": synergy.offer.title,
        "demand": synergy.demand.title,
        "state": synergy.get_state_display(),
    }
    body = _step_text(step) + "\n\n" + _("See the synergy: %(url)s") % {"url": url}
    organisations = {synergy.offer.organisation, synergy.demand.organisation}
    recipients = sorted(
        {
            email
            for organisation in organisations
            if organisation.pk != actor_organisation_id
            for email in admin_emails(organisation)
        }
    )
    for recipient in recipients:  # one each: a side's addresses stay private to the other
        send_notification(subject, body, [recipient])

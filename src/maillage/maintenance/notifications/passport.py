"""The e-mails of machine transfers, built from the rows as they are when the worker sends.

Someone asks for a machine: the owner's admins hear of it. The owner accepts, refuses the
request or withdraws the offer while asked for: the person who asked hears of it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.mail import send_notification
from maillage.directory.models import User
from maillage.directory.notifications import admin_emails
from maillage.maintenance.models.passport import Transfer

ASKED = "asked"
ANSWERS = ("accepted", "refused", "withdrawn")


def _passport_url(transfer: Transfer) -> str:
    path = reverse("maintenance:passport", args=[transfer.machine_id])
    return settings.SITE_URL.rstrip("/") + path


def send_transfer_asked(transfer_id: int) -> None:
    """Tell the owner's admins who asks for their machine, with the message and the link."""
    transfer = (
        Transfer.objects.select_related("machine", "from_organisation", "to_organisation")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None or transfer.to_organisation is None:
        return  # refused or withdrawn meanwhile: nothing left to decide
    names = {"org": transfer.to_organisation.name, "machine": transfer.machine.name}
    subject = _("%(org)s asks for %(machine)s") % names
    lines = [
        _("%(org)s asks to take %(machine)s (%(kind)s).")
        % {**names, "kind": transfer.get_kind_display()},
    ]
    if transfer.message:
        lines += ["", _("Their message:"), transfer.message]
    lines += ["", _("Accept or refuse on the machine's passport:"), _passport_url(transfer)]
    send_notification(subject, "\n".join(lines), admin_emails(transfer.from_organisation))


def send_transfer_answer(transfer_id: int, asker_id: int, answer: str) -> None:
    """Tell the person who asked that the owner accepted, refused, or withdrew the offer."""
    transfer = Transfer.objects.select_related("machine", "from_organisation").get(pk=transfer_id)
    asker = User.objects.filter(pk=asker_id).first()
    if asker is None or not asker.email:
        return
    names = {"org": transfer.from_organisation.name, "machine": transfer.machine.name}
    texts = {
        "accepted": (
            _("%(machine)s is yours"),
            _(
                "%(org)s accepted your request: %(machine)s now belongs to your organisation, "
                "with its passport."
            ),
        ),
        "refused": (
            _("Your request for %(machine)s was declined"),
            _("%(org)s declined your request for %(machine)s; the machine is offered again."),
        ),
        "withdrawn": (
            _("%(machine)s is no longer offered"),
            _("%(org)s withdrew its offer of %(machine)s that you had asked for."),
        ),
    }
    subject, text = texts[answer]
    body = "\n".join([text % names, "", _passport_url(transfer)])
    send_notification(subject % names, body, [asker.email])

"""The e-mail of the trainings catalogue: a seat freed up, and the first on the list got it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.mail import send_notification
from maillage.qualifications.models import Registration


def send_seat_given(registration_id: int) -> None:
    """Tell the person promoted from the waiting list that they now have a seat."""
    registration = (
        Registration.objects.select_related("user", "session__training__organisation")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.user.email:
        return  # cancelled meanwhile, or nowhere to write
    session = registration.session
    names = {
        "training": session.training.title,
        "org": session.training.organisation.name,
        "date": timezone.localtime(session.start).strftime("%d/%m/%Y %H:%M"),
    }
    subject = _("A seat for you: %(training)s") % names
    lines = [
        _(
            "A seat freed up in the session of %(date)s of “%(training)s” given by %(org)s: "
            "you were first on the waiting list and you are now registered."
        )
        % names,
        "",
        _("Cannot come any more? Cancel in the catalogue so the next person gets the seat:"),
        settings.SITE_URL.rstrip("/") + reverse("cooperation:trainings_catalogue"),
    ]
    send_notification(subject, "\n".join(lines), [registration.user.email])

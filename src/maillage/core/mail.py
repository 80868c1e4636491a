"""Sending the platform's e-mails: run by the background worker, never inside a request."""

from __future__ import annotations

import logging

from django.core.mail import send_mail

from maillage.core.text import one_line

logger = logging.getLogger(__name__)


def send_notification(subject: str, body: str, recipients: list[str]) -> None:
    """Send one e-mail; its subject, often built from names people typed, kept on one line."""
    if not recipients:
        return
    try:
        send_mail(one_line(subject), body, None, recipients)
    except Exception:
        # The task is marked failed too; the log says which e-mail did not leave.
        logger.exception("E-mail not sent: %s", one_line(subject))
        raise

"""Background tasks of the sharing domain: booking e-mails, sent by the worker."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_booking(booking_id: int, event: str) -> None:
    """Tell the booker (and, for most events, the host's administrators) what happened."""
    from maillage.sharing.actions import send_booking_notification

    send_booking_notification(booking_id, event)

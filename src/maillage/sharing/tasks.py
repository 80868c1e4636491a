"""Background tasks of the sharing domain: the e-mails, sent by the worker after the commit."""

from __future__ import annotations

from django_tasks import task

from maillage.sharing import notifications


@task()
def notify_booking(booking_id: int, event: str, state: str, start: str) -> None:
    """Tell the booker (and, for most events, the host's administrators) what happened."""
    notifications.send_booking_notification(booking_id, event, state, start)


@task()
def notify_downtime(downtime_id: int, booking_ids: list[int]) -> None:
    """Tell the bookers whose bookings a downtime affects."""
    notifications.send_downtime_notification(downtime_id, booking_ids)


@task()
def notify_closure(exception_id: int, booking_ids: list[int]) -> None:
    """Tell the bookers whose bookings fall during a new closure."""
    notifications.send_closure_notification(exception_id, booking_ids)

"""Background tasks of the sharing domain: the e-mails, sent by the worker after the commit."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_booking(booking_id: int, event: str, state: str, start: str) -> None:
    """Tell the booker (and, for most events, the host's administrators) what happened."""
    from maillage.sharing.actions import send_booking_notification

    send_booking_notification(booking_id, event, state, start)


@task()
def notify_downtime(downtime_id: int, booking_ids: list[int]) -> None:
    """Tell the bookers whose bookings a downtime affects."""
    from maillage.sharing.actions import send_downtime_notification

    send_downtime_notification(downtime_id, booking_ids)


@task()
def notify_closure(exception_id: int, booking_ids: list[int]) -> None:
    """Tell the bookers whose bookings fall during a new closure."""
    from maillage.sharing.actions_exceptions import send_closure_notification

    send_closure_notification(exception_id, booking_ids)

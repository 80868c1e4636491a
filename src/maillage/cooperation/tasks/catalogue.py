"""Background tasks of the trainings catalogue."""

from __future__ import annotations

from django_tasks import task

from maillage.cooperation.notifications import catalogue as notifications


@task()
def notify_seat_given(registration_id: int) -> None:
    """Tell the first on a waiting list that a cancellation gave them the seat."""
    notifications.send_seat_given(registration_id)

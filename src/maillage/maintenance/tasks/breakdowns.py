"""Background tasks of breakdowns: the e-mails, sent by the worker after the commit."""

from __future__ import annotations

from django_tasks import task

from maillage.maintenance.notifications import breakdowns as notifications


@task()
def notify_report(report_id: int) -> None:
    """Tell the host organisation's administrators that a breakdown was reported."""
    notifications.send_report_notification(report_id)


@task()
def notify_affected(report_id: int) -> None:
    """Tell the bookers in a confirmed breakdown's window, with the machine offered instead."""
    notifications.send_affected_notification(report_id)

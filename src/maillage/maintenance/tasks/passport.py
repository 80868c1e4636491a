"""Background tasks of machine transfers: the e-mails, sent by the worker after the commit."""

from __future__ import annotations

from django_tasks import task

from maillage.maintenance.notifications import passport as notifications


@task()
def notify_transfer_asked(transfer_id: int) -> None:
    """Tell the owner's admins that an organisation asks for their machine."""
    notifications.send_transfer_asked(transfer_id)


@task()
def notify_transfer_answer(transfer_id: int, asker_id: int, answer: str) -> None:
    """Tell the person who asked that the owner accepted, refused or withdrew the offer."""
    notifications.send_transfer_answer(transfer_id, asker_id, answer)

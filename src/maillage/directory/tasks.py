"""Background tasks of the directory: its e-mails, sent by the worker after the commit."""

from __future__ import annotations

from django_tasks import task

from maillage.directory import notifications


@task()
def notify_new_organisation(organisation_id: int) -> None:
    """Tell the coordinators that an organisation waits for validation."""
    notifications.send_new_organisation_notification(organisation_id)


@task()
def notify_moderation(organisation_id: int, status: str, reason: str) -> None:
    """Tell the organisation's admins the coordinators' decision."""
    notifications.send_moderation_notification(organisation_id, status, reason)


@task()
def notify_membership_request(membership_id: int) -> None:
    """Tell the organisation's admins that someone asks to join."""
    notifications.send_membership_request_notification(membership_id)


@task()
def send_invitation(invitation_id: int) -> None:
    """E-mail the invitation link to the person invited."""
    notifications.send_invitation_email(invitation_id)

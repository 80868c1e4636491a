"""The directory's e-mails, rendered and sent by the worker (see tasks.py)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.mail import send_notification
from maillage.directory.auth import hash_token
from maillage.directory.models import (
    Invitation,
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
    User,
)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_new_organisation_notification(organisation_id: int) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return  # deleted meanwhile: nothing left to validate
    recipients = list(
        User.objects.filter(is_coordinator=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    send_notification(
        _("New organisation to validate: %(name)s") % {"name": organisation.name},
        _absolute(reverse("directory:moderation")),
        recipients,
    )


def send_moderation_notification(organisation_id: int, status: str, reason: str) -> None:
    """The decision as it was taken, even if the worker sends it after a later one."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return
    label = str(OrganisationStatus(status).label)
    body = f"{label}\n\n{reason}" if reason else label
    send_notification(
        _("%(name)s: %(status)s") % {"name": organisation.name, "status": label},
        f"{body}\n\n{_absolute(organisation.get_absolute_url())}",
        admin_emails(organisation),
    )


def send_membership_request_notification(membership_id: int) -> None:
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None or membership.state != MembershipState.REQUESTED:
        return  # withdrawn or already decided: nothing to ask the admins
    send_notification(
        _("%(user)s asks to join %(name)s")
        % {"user": membership.user.display_name(), "name": membership.organisation.name},
        _absolute(reverse("directory:members", args=[membership.organisation.slug])),
        admin_emails(membership.organisation),
    )


def send_invitation_email(invitation_id: int) -> None:
    """E-mail a fresh secret link; only its hash is stored (a resend voids the earlier link)."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=invitation_id, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            return  # withdrawn or already accepted
        invitation.token_hash = hash_token(secret)
        invitation.save(update_fields=["token_hash"])
    send_notification(
        _("Join %(name)s on Maillage") % {"name": invitation.organisation.name},
        _absolute(reverse("directory:accept_invitation", args=[secret])),
        [invitation.email],
    )


def admin_emails(organisation: Organisation) -> list[str]:
    """The addresses of the organisation's active administrators, who hear about its news."""
    return list(
        Membership.objects.filter(
            organisation=organisation, role=Role.ADMIN, state=MembershipState.ACTIVE
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )

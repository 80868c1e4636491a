"""Writes about people: invitations, membership requests, roles, sign-up, API tokens."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.locks import lock
from maillage.core.outbox import enqueue_in_transaction
from maillage.core.validators import single_line_errors
from maillage.directory import permissions, tasks
from maillage.directory.auth import hash_token
from maillage.directory.models import (
    ApiToken,
    Invitation,
    Membership,
    MembershipState,
    Organisation,
    Role,
    User,
)

# --- people ------------------------------------------------------------------------------


def invite_member(actor: User, organisation: Organisation, email: str, role: str) -> Invitation:
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins can invite colleagues."))
    email = email.strip().lower()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    # Only the e-mail carries the secret: the worker makes it when it sends (so no clear secret
    # ever sits in the task queue) and the database keeps its hash.
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=actor,
            token_hash=hash_token(secrets.token_urlsafe(32)),
        )
        enqueue_in_transaction(tasks.send_invitation, invitation.pk)
    return invitation


def open_invitation(token: str) -> Invitation | None:
    """The not yet accepted invitation whose e-mailed secret is `token`."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token), accepted_at__isnull=True)
        .first()
    )


def accept_invitation(user: User, token: str) -> Membership:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=hash_token(token), accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise ValidationError({"token": _("This invitation is unknown or already used.")})
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role},
        )
        if membership.state != MembershipState.ACTIVE:
            membership.state = MembershipState.ACTIVE
            membership.role = invitation.role
            membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save()
    return membership


def request_membership(user: User, organisation: Organisation) -> Membership:
    """A signed-in person asks to join; an admin of the organisation approves."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to join an organisation."))
    if not organisation.is_public:
        raise PermissionDenied(_("This organisation is not open to requests yet."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organisation=organisation, state=MembershipState.REQUESTED
            )
            enqueue_in_transaction(tasks.notify_membership_request, membership.pk)
    except IntegrityError:
        raise ValidationError(
            _("You already belong to or asked to join this organisation.")
        ) from None
    return membership


def approve_membership(actor: User, membership: Membership) -> None:
    if not permissions.can_manage_members(actor, membership.organisation):
        raise PermissionDenied(_("Only the organisation's admins can accept members."))
    with transaction.atomic():
        # Locked and read again: the request may have been withdrawn or decided meanwhile.
        current = lock(membership)
        if current is None or current.state != MembershipState.REQUESTED:
            raise ValidationError(_("This request was withdrawn or already decided."))
        current.state = MembershipState.ACTIVE
        current.save(update_fields=["state"])
    membership.state = MembershipState.ACTIVE


def remove_membership(actor: User, membership: Membership) -> None:
    is_self = actor.pk == membership.user_id
    if not is_self and not permissions.can_manage_members(actor, membership.organisation):
        raise PermissionDenied(_("Only the organisation's admins can remove members."))
    with transaction.atomic():
        admins = Membership.objects.select_for_update().filter(
            organisation=membership.organisation, role=Role.ADMIN, state=MembershipState.ACTIVE
        )
        admin_ids = list(admins.values_list("pk", flat=True))
        # Read again under the admins' lock: the role may have changed, or the row gone.
        current = lock(membership)
        if current is None:
            return
        if current.role == Role.ADMIN and len(admin_ids) <= 1:
            raise ValidationError(_("An organisation keeps at least one admin."))
        current.delete()


def set_member_role(actor: User, membership: Membership, role: str) -> Membership:
    """An admin gives a colleague another role; the organisation always keeps one admin."""
    organisation = membership.organisation
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins can change roles."))
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    with transaction.atomic():
        # Admin rows first, in one order, so that two demotions cannot both pass the count.
        admins = list(
            Membership.objects.select_for_update()
            .filter(organisation=organisation, role=Role.ADMIN, state=MembershipState.ACTIVE)
            .order_by("pk")
        )
        locked = (
            Membership.objects.select_for_update()
            .filter(pk=membership.pk, organisation=organisation)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This person is no longer a member."))
        if not permissions.can_manage_members(actor, organisation):
            raise PermissionDenied(_("Only the organisation's admins can change roles."))
        if locked.role == role:
            return locked
        was_active_admin = locked.role == Role.ADMIN and locked.state == MembershipState.ACTIVE
        if was_active_admin and len(admins) <= 1:
            raise ValidationError({"role": _("An organisation keeps at least one admin.")})
        locked.role = role
        locked.save(update_fields=["role"])
    return locked


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the clear key is returned once and never stored."""
    if errors := single_line_errors(name=name):
        raise ValidationError(errors)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token, e.g. after the tool that will use it.")})
    key = "mlg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=hash_token(key)
        )
    return token, key


def sign_up(
    username: str, email: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Open an account for a person who signed up; the page has checked the password's strength."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("An account already uses this e-mail address.")})
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"username": _("A user with that username already exists.")}
            ) from None
    return user


def grant_coordinator(user: User) -> None:
    """Make a person a network coordinator: moderation pages and the directory's admin."""
    from django.contrib.auth.models import Group, Permission

    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name="coordinators")
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=["directory"]))
        user.is_coordinator = True
        user.is_staff = True
        user.save(update_fields=["is_coordinator", "is_staff"])
        user.groups.add(group)

"""The secrets of the iCalendar feeds: a person's bookings, a machine's bookings."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.auth import hash_token
from maillage.directory.models import User
from maillage.sharing.models import CalendarToken, Offer


def renew_calendar_token(user: User) -> str:
    """A new feed secret, returned once: every link given out before stops working."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to get a calendar feed."))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(
            user=user, defaults={"token_hash": hash_token(secret)}
        )
        if not created:
            token.token_hash = hash_token(secret)
            token.save(update_fields=["token_hash"])
    return secret


def renew_machine_feed_token(actor: User, offer: Offer) -> str:
    """A new machine-feed secret, returned once (e.g. when someone leaves the host organisation)."""
    if not permissions.can_host(actor, offer.machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts manage its machines' feeds."))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        locked.feed_token_hash = hash_token(secret)
        locked.save(update_fields=["feed_token_hash", "updated_at"])
    offer.feed_token_hash = locked.feed_token_hash
    return secret

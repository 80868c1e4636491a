"""Weekly opening hours of a machine or of a whole site, set by its hosts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import Site, User
from maillage.equipment.models import Machine
from maillage.sharing.models import OpeningWindow


@dataclass(frozen=True)
class WindowInput:
    weekday: int
    start: dt.time
    end: dt.time


def set_opening_windows(
    actor: User, windows: list[WindowInput], *, machine: Machine | None = None, site: object = None
) -> None:
    """Replace the weekly opening hours of a machine (or of a whole site)."""
    target_org = (
        machine.organisation if machine else (site.organisation if isinstance(site, Site) else None)
    )
    if target_org is None:
        raise ValidationError(_("Say which machine or site the hours are for."))
    if not permissions.can_host(actor, target_org):
        raise PermissionDenied(_("Only the organisation's hosts can set its opening hours."))
    errors = []
    for index, window in enumerate(windows):
        if not 0 <= window.weekday <= 6:
            errors.append(_("Line %(n)s: unknown day.") % {"n": index + 1})
        if window.end <= window.start:
            errors.append(
                _("Line %(n)s: the closing time must come after the opening time.")
                % {"n": index + 1}
            )
    if errors:
        raise ValidationError({"windows": errors})
    with transaction.atomic():
        scope = {"machine": machine} if machine else {"site": site}
        OpeningWindow.objects.filter(**scope).delete()
        OpeningWindow.objects.bulk_create(
            [OpeningWindow(weekday=w.weekday, start=w.start, end=w.end, **scope) for w in windows]
        )

"""Writes of "who can make this": a design's parts to make turned into matching needs at once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.designs.models import Design
from maillage.designs.queries.makers import DEFAULT_RADIUS_KM, Place, part_input, parts_of
from maillage.directory.models import Membership, MembershipState, User
from maillage.matching.actions.needs import find_machines
from maillage.matching.models import Need

PLACE_FIELDS = {"commune", "latitude", "max_km"}


def parts_into_needs(
    actor: User, design: Design, place: Place, radius_km: float = DEFAULT_RADIUS_KM
) -> list[Need]:
    """One matching need per process of every part to make, recorded by matching's own action
    (so they show in "my needs" and in the unmet demand), all or none."""
    if not (
        actor.is_authenticated
        and Membership.objects.filter(user=actor, state=MembershipState.ACTIVE).exists()
    ):
        raise PermissionDenied(_("Only members of an organisation can record needs."))
    parts = [p for p in parts_of(design) if not p.off_the_shelf]
    if not parts:
        raise ValidationError({"parts": _("This design has no part to make: nothing to record.")})
    without = [p.name for p in parts if not p.processes.all()]
    if without:
        raise ValidationError(
            {
                "parts": _("No process is given for: %(parts)s. Add one before recording needs.")
                % {"parts": ", ".join(without)}
            }
        )
    now = timezone.now()
    needs: list[Need] = []
    with transaction.atomic():
        for part in parts:
            for part_process in part.processes.all():
                data = part_input(part, part_process.process, place, radius_km, now)
                try:
                    need, _matches = find_machines(actor, data, record=True, now=now)
                except ValidationError as exc:
                    # The place is the same for every part: name it as is; the rest, by part.
                    if hasattr(exc, "error_dict") and set(exc.error_dict) <= PLACE_FIELDS:
                        raise
                    raise ValidationError(
                        {
                            "parts": _("%(part)s: %(errors)s")
                            % {"part": part.name, "errors": " ".join(exc.messages)}
                        }
                    ) from exc
                assert need is not None
                needs.append(need)
    return needs

"""Hand corrections of a design: the processes a part needs."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.designs.models import DesignPart, PartProcess, ProcessSource
from maillage.designs.queries import designs as queries
from maillage.directory.models import User
from maillage.equipment.models import Process

MAX_PROCESSES = 12


def correct_processes(actor: User, part: DesignPart, process_ids: Sequence[int]) -> DesignPart:
    """Replace the part's processes by these, kept as a hand correction across re-imports."""
    if not queries.can_correct(actor, part.design):
        raise PermissionDenied(
            _("Only the design's organisation admins and the coordinators correct its processes.")
        )
    ids = list(dict.fromkeys(process_ids))
    if not ids:
        raise ValidationError({"processes": _("Choose at least one process.")})
    if len(ids) > MAX_PROCESSES:
        raise ValidationError(
            {"processes": _("Choose at most %(count)s processes.") % {"count": MAX_PROCESSES}}
        )
    found = list(Process.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({"processes": _("One of the processes does not exist.")})
    with transaction.atomic():
        locked = DesignPart.objects.select_for_update().get(pk=part.pk)
        locked.processes.all().delete()
        PartProcess.objects.bulk_create(
            PartProcess(part=locked, process=process, source=ProcessSource.MANUAL)
            for process in found
        )
    return locked

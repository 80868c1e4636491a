"""Writes of a batch: check many needs at once, record them with their run, queue the run."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.matching import engine
from maillage.matching.actions.needs import clean_need, record_need
from maillage.matching.convert import NeedInput
from maillage.matching.models import AllocationRun
from maillage.matching.tasks import run_allocation

MAX_NEEDS = 5000


def submit_batch(
    actor: User,
    title: str,
    needs: list[NeedInput],
    *,
    time_limit_s: int = 30,
    co2_price_cents_per_kg: int = 10,
) -> AllocationRun:
    """Record a batch (every need checked first; one bad need saves nothing) and queue it."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators allocate batches of needs."))
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the batch a title.")]
    if not needs:
        errors["needs"] = [_("The batch holds no need.")]
    if len(needs) > MAX_NEEDS:
        errors["needs"] = [_("At most %(n)s needs per batch.") % {"n": MAX_NEEDS}]
    if not 1 <= time_limit_s <= 600:
        errors["time_limit_s"] = [_("Between 1 and 600 seconds.")]
    if co2_price_cents_per_kg < 0:
        errors["co2_price_cents_per_kg"] = [_("The CO2 price cannot be negative.")]
    now = timezone.now()
    checked = []
    for i, data in enumerate(needs):
        try:
            checked.append(clean_need(data, now))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors[f"needs[{i}].{key}"] = messages
    if errors:
        raise ValidationError(errors)
    empty = engine.Answer([], 0)
    with transaction.atomic():
        run = AllocationRun.objects.create(
            title=title.strip(),
            created_by=actor,
            time_limit_s=time_limit_s,
            co2_price_cents_per_kg=co2_price_cents_per_kg,
        )
        for data, need in zip(needs, checked, strict=True):
            record_need(actor, data, need, empty, batch=run)
        # Queued with the run itself: a run is never left waiting without its task.
        enqueue_in_transaction(run_allocation, run.pk)
    return run

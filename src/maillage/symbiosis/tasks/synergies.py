"""Background tasks of synergies: the other side hears of a step, after the commit."""

from __future__ import annotations

from django_tasks import task

from maillage.symbiosis.notifications import synergies as notifications


@task()
def notify_synergy_step(synergy_id: int, step: str, actor_organisation_id: int | None) -> None:
    """Tell the administrators of the side(s) that did not take the step."""
    notifications.send_step_notification(synergy_id, step, actor_organisation_id)

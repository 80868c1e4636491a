"""Background tasks of the impact domain (django-tasks, database-backed queue)."""

from __future__ import annotations

from django_tasks import task

from maillage.impact.actions.machines import recompute_all


@task()
def recompute_impacts() -> int:
    """Every machine's figures with the factor table in force: after an override, and nightly."""
    return recompute_all()

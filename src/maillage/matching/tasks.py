"""Background tasks of the matching domain (django-tasks, database-backed queue)."""

from __future__ import annotations

from django_tasks import task

from maillage.matching.batch import allocate


@task()
def run_allocation(run_id: int) -> str:
    run = allocate(run_id)
    return run.state

"""Queue a background task so that it runs if, and only if, the current transaction commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_in_transaction(task: Task[Any, Any], *args: Any) -> None:
    """Queue `task(*args)` as part of the caller's transaction.

    With the database queue the task's row is written inside the transaction itself (an
    outbox): a rolled-back write leaves no task behind, a committed one always has its task,
    and the worker sees it only after the commit. Other backends (the immediate one of
    small installations and tests) are asked after the commit instead.
    """
    from django_tasks_db import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args))

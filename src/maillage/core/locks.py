"""Row locks of the actions: lock a row, read it again, then check its state."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock(instance: M) -> M | None:
    """Lock the instance's row until the transaction ends: the row as it is now, None if gone.

    Call it inside `transaction.atomic()`; a concurrent writer of the row waits for the commit.
    """
    return type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()


def lock_existing(instance: M) -> M:
    """As `lock`, for a row that cannot be gone: DoesNotExist if it is."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)

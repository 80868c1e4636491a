"""Shared request counters (one row per throttled key, in the database all workers share), and
the constraints the apps' models share."""

from __future__ import annotations

from django.db import models


def ends_after_start(name: str, start: str = "start", end: str = "end") -> models.CheckConstraint:
    """The database refuses a period whose `end` is not after its `start`."""
    return models.CheckConstraint(condition=models.Q(**{f"{end}__gt": models.F(start)}), name=name)


class RateCounter(models.Model):
    """Requests counted for one key (a hashed address, token or account) in its current window."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count} since {self.window_start:%H:%M:%S}"

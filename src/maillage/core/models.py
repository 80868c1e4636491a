"""Shared request counters: one row per throttled key, in the database all workers share."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Requests counted for one key (a hashed address, token or account) in its current window."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count} since {self.window_start:%H:%M:%S}"

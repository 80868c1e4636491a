"""Maintenance API: breakdowns."""

from ninja import Router

router = Router(tags=["maintenance"])

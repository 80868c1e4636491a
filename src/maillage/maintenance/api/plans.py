"""Maintenance API: plans."""

from ninja import Router

router = Router(tags=["maintenance"])

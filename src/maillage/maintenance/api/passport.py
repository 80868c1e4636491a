"""Maintenance API: passport."""

from ninja import Router

router = Router(tags=["maintenance"])

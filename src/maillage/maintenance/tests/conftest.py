"""Fixtures of the maintenance tests, one module per topic, found by name."""

from maillage.maintenance.tests.passport_world import world  # noqa: F401  (the passport world)

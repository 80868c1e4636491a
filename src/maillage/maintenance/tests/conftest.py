"""Fixtures of the maintenance tests, one module per topic, found by name."""

from maillage.maintenance.tests.passport_world import second_life  # noqa: F401  (the passport world)

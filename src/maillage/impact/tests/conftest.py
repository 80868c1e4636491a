"""Fixtures of the impact tests, found by name."""

from maillage.impact.tests.machine_world import impact_world  # noqa: F401  (the machines' world)

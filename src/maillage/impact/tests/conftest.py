"""Fixtures of the impact tests, one module per topic, found by name."""

from maillage.impact.tests.scenario_world import scenario_world  # noqa: F401

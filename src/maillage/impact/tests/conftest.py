"""Fixtures of the impact tests, one module per topic, found by name."""

from maillage.impact.tests.network_world import park  # noqa: F401  (the network figures)

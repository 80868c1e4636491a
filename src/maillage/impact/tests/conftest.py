"""Fixtures of the impact tests, one module per topic, found by name."""

from maillage.impact.tests.machine_world import impact_world  # noqa: F401  (the machines' world)
from maillage.impact.tests.network_world import park  # noqa: F401  (the network figures)
from maillage.impact.tests.scenario_world import scenario_world  # noqa: F401

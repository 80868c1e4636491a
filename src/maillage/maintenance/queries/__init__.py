"""Maintenance queries, one module per topic: plans, breakdowns, passport."""

"""Maintenance views, one module per topic: plans, breakdowns, passport."""

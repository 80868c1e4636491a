"""Maintenance actions, one module per topic: plans, breakdowns, passport."""

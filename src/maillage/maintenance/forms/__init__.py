"""Maintenance forms, one module per topic: plans, breakdowns, passport."""

"""Maintenance reads: passport."""

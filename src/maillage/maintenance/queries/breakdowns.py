"""Maintenance reads: breakdowns."""

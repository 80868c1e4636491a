"""Maintenance reads: plans."""

"""Maintenance actions: breakdowns."""

"""Maintenance forms: breakdowns."""

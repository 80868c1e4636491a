"""Maintenance pages: breakdowns."""

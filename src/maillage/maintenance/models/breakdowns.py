"""Maintenance: breakdowns."""

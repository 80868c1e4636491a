"""Maintenance forms: plans."""

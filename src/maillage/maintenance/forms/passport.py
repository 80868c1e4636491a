"""Maintenance forms: passport."""

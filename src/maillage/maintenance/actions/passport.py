"""Maintenance actions: passport."""

"""Maintenance actions: plans."""

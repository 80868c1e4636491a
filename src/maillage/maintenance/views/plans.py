"""Maintenance pages: plans."""

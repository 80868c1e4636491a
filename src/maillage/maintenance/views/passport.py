"""Maintenance pages: passport."""

"""Maintenance: passport."""

"""Maintenance: plans."""

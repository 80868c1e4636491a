"""Symbiosis forms by topic."""

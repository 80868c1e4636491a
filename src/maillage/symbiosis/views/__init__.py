"""Symbiosis pages by topic."""

"""Symbiosis API routers by topic."""

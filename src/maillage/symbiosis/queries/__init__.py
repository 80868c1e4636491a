"""Symbiosis reads that pages, the API and exports share, by topic."""

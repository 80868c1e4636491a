"""Symbiosis: by-products, waste heat and reusable containers exchanged between neighbours."""

"""Template filters of the symbiosis pages."""

"""Template filters of symbiosis, by topic."""

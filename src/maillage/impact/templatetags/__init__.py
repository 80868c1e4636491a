"""Template filters of the impact pages."""

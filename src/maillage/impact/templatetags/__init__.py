"""Template filters and tags of the impact pages."""

"""Template filters and tags of the impact pages, one module per topic."""

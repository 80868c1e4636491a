"""Template tags of the maintenance app."""

"""Impact pages by topic."""

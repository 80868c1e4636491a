"""Impact forms by topic."""

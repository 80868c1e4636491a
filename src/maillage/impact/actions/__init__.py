"""Every impact write, by topic."""

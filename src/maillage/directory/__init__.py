"""Directory: organisations, their sites, people and roles, and the public map."""

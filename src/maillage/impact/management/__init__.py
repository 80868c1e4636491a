"""Management commands of the impact app."""

"""Designs views by topic: manifests and parts, who can make them, builds."""

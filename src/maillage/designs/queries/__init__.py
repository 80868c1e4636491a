"""Designs queries by topic: manifests and parts, who can make them, builds."""

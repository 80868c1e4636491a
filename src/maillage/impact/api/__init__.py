"""The impact API under /api/v1/, one router per topic (mounted in maillage/api.py)."""

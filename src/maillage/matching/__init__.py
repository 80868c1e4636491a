"""Matching: from a need to ranked capable machines, and many needs to one allocation."""

"""Symbiosis writes by topic: declarations, synergies, heat studies, container loops."""

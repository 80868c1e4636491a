"""Cooperation queries by topic: governance, events, projects, funding, skills, trainings."""

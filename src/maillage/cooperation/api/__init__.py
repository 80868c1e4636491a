"""Cooperation api by topic: governance, events, projects, funding, skills, trainings."""

"""Cooperation actions by topic: governance, events, projects, funding, skills, trainings."""

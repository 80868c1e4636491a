"""Cooperation views by topic: governance, events, projects, funding, skills, trainings."""

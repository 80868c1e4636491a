"""Cooperation forms by topic: governance, events, projects, funding, skills, trainings."""

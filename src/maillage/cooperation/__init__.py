"""Cooperation: governance, collective projects and their funding, skills, trainings."""

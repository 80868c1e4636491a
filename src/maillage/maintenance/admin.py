"""Coordinators' admin for maintenance records."""

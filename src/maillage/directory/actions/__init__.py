"""Every write to the directory: one function per user intent, one transaction each, by topic.

Callers (pages, API, commands) pass plain inputs; these functions check permissions,
validate, save and queue their notifications in the same transaction (the worker sends them:
a failed e-mail never undoes nor repeats a write). A ValidationError raised here
names the input field it concerns, and nothing of the call is left in the database.
"""

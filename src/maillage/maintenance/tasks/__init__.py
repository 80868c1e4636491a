"""Maintenance background tasks, one module per topic: the e-mails, sent after the commit."""

"""Maintenance background tasks, one module per topic: they send the e-mails after commit."""

"""Maintenance e-mails, one module per topic, sent by the worker (see tasks/)."""

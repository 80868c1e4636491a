"""Maintenance e-mails, one module per topic (rendering only; sent by the worker, see tasks/)."""

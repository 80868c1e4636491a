"""The text of maintenance e-mails, one module per topic (rendering only)."""

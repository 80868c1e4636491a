"""Background tasks of symbiosis, by topic: the e-mails sent by the worker after the commit."""

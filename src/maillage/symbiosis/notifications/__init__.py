"""The e-mails of symbiosis, by topic, built from the rows as they are when the worker sends."""

"""E-mails of the cooperation app, built by the worker from the rows as they are when it sends."""

"""Background tasks of the cooperation app: the e-mails, sent by the worker after the commit."""

"""What maintenance does when a lower layer tells it something happened (signals from sharing)."""

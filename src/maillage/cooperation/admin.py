"""Cooperation rows in the admin: read-mostly, the pages and actions hold the rules."""

"""Sharing: offers, availability, qualifications, bookings, usage and monthly statements."""

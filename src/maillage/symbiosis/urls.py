"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path  # noqa: F401

app_name = "symbiosis"

urlpatterns: list = [
    # declarations (offers, demands, the List of Waste search, CSV import)
    # candidates, the territory's allocation and synergies
    # waste heat and pre-feasibility studies
    # reusable containers: loops, stocks, collection rounds
]

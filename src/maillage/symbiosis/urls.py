"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path  # noqa: F401

app_name = "symbiosis"

urlpatterns: list = [
    # --- declarations: offers, demands, the List of Waste search, CSV import, exports ---
    #
    # --- candidates, proposals and the territory's allocation ---
    #
    # --- synergies: their life, monthly exchanges, the flows map and exports ---
    #
    # --- waste heat: sources, sinks and pre-feasibility studies ---
    #
    # --- reusable containers: loops, stocks, collection rounds ---
    #
]

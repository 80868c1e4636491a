"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path

from maillage.symbiosis.views import allocation as allocation_views
from maillage.symbiosis.views import candidates as candidate_views

app_name = "symbiosis"

urlpatterns: list = [
    # --- declarations: offers, demands, the List of Waste search, CSV import, exports ---
    #
    # --- candidates, proposals and the territory's allocation ---
    path(
        "symbiosis/declarations/<int:pk>/candidates/",
        candidate_views.candidates,
        name="candidates",
    ),
    path(
        "symbiosis/declarations/<int:pk>/propose/<int:other_pk>/",
        candidate_views.propose,
        name="propose",
    ),
    path("symbiosis/allocation/", allocation_views.allocation, name="allocation"),
    path("symbiosis/allocation.csv", allocation_views.allocation_csv, name="allocation_csv"),
    path("symbiosis/methods/<slug:key>/", allocation_views.method, name="method"),
    #
    # --- synergies: their life, monthly exchanges, the flows map and exports ---
    #
    # --- waste heat: sources, sinks and pre-feasibility studies ---
    #
    # --- reusable containers: loops, stocks, collection rounds ---
    #
]

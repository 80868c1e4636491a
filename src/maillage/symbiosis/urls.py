"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path

from maillage.symbiosis.views import flows, synergies

app_name = "symbiosis"

urlpatterns: list = [
    # --- declarations: offers, demands, the List of Waste search, CSV import, exports ---
    #
    # --- candidates, proposals and the territory's allocation ---
    #
    # --- synergies: their life, monthly exchanges, the flows map and exports ---
    path("symbiosis/synergies/", synergies.synergy_list, name="synergies"),
    path("symbiosis/synergies/<int:pk>/", synergies.synergy_detail, name="synergy"),
    path("symbiosis/synergies/<int:pk>/exchanges/", synergies.record_exchange, name="exchange"),
    path(
        "symbiosis/synergies/<int:pk>/<str:action>/",
        synergies.synergy_action,
        name="synergy_action",
    ),
    path("symbiosis/flows/", flows.flows_map, name="flows"),
    path("symbiosis/flows.csv", flows.flows_csv, name="flows_csv"),
    path("symbiosis/flows.geojson", flows.flows_geojson, name="flows_geojson"),
    #
    # --- waste heat: sources, sinks and pre-feasibility studies ---
    #
    # --- reusable containers: loops, stocks, collection rounds ---
    #
]

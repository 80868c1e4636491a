"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path

from maillage.symbiosis.views import heat

app_name = "symbiosis"

urlpatterns: list = [
    # --- declarations: offers, demands, the List of Waste search, CSV import, exports ---
    #
    # --- candidates, proposals and the territory's allocation ---
    #
    # --- synergies: their life, monthly exchanges, the flows map and exports ---
    #
    # --- waste heat: sources, sinks and pre-feasibility studies ---
    path("symbiosis/heat/", heat.heat_list, name="heat"),
    path("symbiosis/heat/heat.csv", heat.heat_csv, name="heat_csv"),
    path("symbiosis/heat/heat.geojson", heat.heat_geojson, name="heat_geojson"),
    path("symbiosis/heat/<int:pk>/", heat.heat_declaration, name="heat_declaration"),
    path("symbiosis/heat/<int:pk>/edit/", heat.heat_edit, name="heat_edit"),
    path("symbiosis/heat/studies/new/", heat.heat_study_new, name="heat_study_new"),
    path("symbiosis/heat/studies/<int:pk>/", heat.heat_study, name="heat_study"),
    path("o/<slug:slug>/symbiosis/heat/declare/", heat.heat_declare, name="heat_declare"),
    #
    # --- reusable containers: loops, stocks, collection rounds ---
    #
]

"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path

from maillage.symbiosis.views import allocation as allocation_views
from maillage.symbiosis.views import candidates as candidate_views
from maillage.symbiosis.views import declarations, flows, heat, synergies
from maillage.symbiosis.views import loops as loop_views

app_name = "symbiosis"

urlpatterns: list = [
    # --- declarations: offers, demands, the List of Waste search, CSV import, exports ---
    path("symbiosis/", declarations.index, name="index"),
    path("symbiosis/declarations/<int:pk>/", declarations.declaration, name="declaration"),
    path("symbiosis/declarations/<int:pk>/edit/", declarations.edit, name="edit"),
    path("symbiosis/declarations/<int:pk>/state/", declarations.state, name="state"),
    path("symbiosis/declarations.csv", declarations.declarations_csv, name="declarations_csv"),
    path(
        "symbiosis/declarations.geojson",
        declarations.declarations_geojson,
        name="declarations_geojson",
    ),
    path("symbiosis/codes/", declarations.code_search, name="code_search"),
    path("o/<slug:slug>/symbiosis/", declarations.mine, name="mine"),
    path("o/<slug:slug>/symbiosis/declare/", declarations.declare, name="declare"),
    path("o/<slug:slug>/symbiosis/import/", declarations.import_csv, name="import"),
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
    path("symbiosis/heat/", heat.heat_list, name="heat"),
    path("symbiosis/heat/heat.csv", heat.heat_csv, name="heat_csv"),
    path("symbiosis/heat/heat.geojson", heat.heat_geojson, name="heat_geojson"),
    path("symbiosis/heat/<int:pk>/", heat.heat_declaration, name="heat_declaration"),
    path("symbiosis/heat/<int:pk>/edit/", heat.heat_edit, name="heat_edit"),
    path("symbiosis/heat/studies/new/", heat.heat_study_new, name="heat_study_new"),
    path("symbiosis/heat/studies/<int:pk>/", heat.heat_study, name="heat_study"),
    path("symbiosis/heat/studies/<int:pk>/edit/", heat.heat_study_edit, name="heat_study_edit"),
    path("o/<slug:slug>/symbiosis/heat/declare/", heat.heat_declare, name="heat_declare"),
    #
    # --- reusable containers: loops, stocks, collection rounds ---
    path("symbiosis/loops/", loop_views.loop_list, name="loops"),
    path("o/<slug:slug>/symbiosis/loops/new/", loop_views.loop_new, name="loop_new"),
    path("symbiosis/loops/<slug:slug>/edit/", loop_views.loop_edit, name="loop_edit"),
    path("symbiosis/loops/<slug:slug>/members/", loop_views.loop_members, name="loop_members"),
    path("symbiosis/loops/<slug:slug>/", loop_views.loop_detail, name="loop"),
    path("symbiosis/loops/<slug:slug>/stock/", loop_views.loop_stock, name="loop_stock"),
    path("symbiosis/loops/<slug:slug>/months/", loop_views.loop_month, name="loop_month"),
    path(
        "symbiosis/loops/<slug:slug>/rounds/new/", loop_views.loop_round_new, name="loop_round_new"
    ),
    path("symbiosis/loops/<slug:slug>/rounds/<int:pk>/", loop_views.loop_round, name="loop_round"),
    path(
        "symbiosis/loops/<slug:slug>/rounds/<int:pk>/close/",
        loop_views.loop_round_close,
        name="loop_round_close",
    ),
    #
]

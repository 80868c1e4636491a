"""Every symbiosis page (`symbiosis:`): declarations, matches and synergies, heat, loops."""

from django.urls import path

from maillage.symbiosis.views import loops as loop_views

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
    path("symbiosis/loops/", loop_views.loop_list, name="loops"),
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

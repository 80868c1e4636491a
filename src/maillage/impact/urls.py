"""Every impact page (`impact:`): machines and organisations, the network, reports, scenarios."""

from django.urls import path

from maillage.impact.views import scenarios

app_name = "impact"

urlpatterns: list = [
    # machines and organisations
    # the network dashboard and reports
    # scenarios
    path("impact/scenarios/", scenarios.index, name="scenarios"),
    path("impact/scenarios/share/", scenarios.share, name="scenario_share"),
    path("impact/scenarios/share.csv", scenarios.share_csv, name="scenario_share_csv"),
    path("impact/scenarios/retrofit/", scenarios.retrofit, name="scenario_retrofit"),
    path("impact/scenarios/retrofit.csv", scenarios.retrofit_csv, name="scenario_retrofit_csv"),
    # factors and methods
]

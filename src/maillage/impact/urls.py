"""Every impact page (`impact:`): machines and organisations, the network, reports, scenarios."""

from django.urls import path

from maillage.impact.views import network

app_name = "impact"

urlpatterns: list = [
    # machines and organisations
    # the network dashboard and reports
    path("impact/", network.dashboard, name="network"),
    path("impact/network.csv", network.network_csv, name="network_csv"),
    path("impact/report/<int:year>/", network.report, name="network_report"),
    # scenarios
    # factors and methods
]

"""Every impact page (`impact:`): machines and organisations, the network, reports, scenarios."""

from django.urls import path  # noqa: F401

app_name = "impact"

urlpatterns: list = [
    # machines and organisations
    # the network dashboard and reports
    # scenarios
    # factors and methods
]

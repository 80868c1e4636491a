"""Every impact page (`impact:`): machines and organisations, the network, reports, scenarios."""

from django.urls import path

from maillage.impact.views import factors, methods

app_name = "impact"

urlpatterns: list = [
    # machines and organisations
    # the network dashboard and reports
    # scenarios
    # factors and methods
    path("impact/factors/", factors.factor_table, name="factors"),
    path("impact/factors/<str:key>/", factors.factor_detail, name="factor"),
    path("impact/methods/", methods.method_index, name="methods"),
    path("impact/methods/<slug:key>/", methods.method_detail, name="method"),
]

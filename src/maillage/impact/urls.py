"""Every impact page (`impact:`): machines and organisations, the network, reports, scenarios."""

from django.urls import path

from maillage.impact.views import factors, machines, methods, network, organisations, scenarios

app_name = "impact"

urlpatterns: list = [
    # machines and organisations
    path("machines/<int:machine_id>/impact/", machines.machine_impact, name="machine"),
    path(
        "machines/<int:machine_id>/impact/composition/",
        machines.composition,
        name="composition",
    ),
    path(
        "machines/<int:machine_id>/impact/repairability/",
        machines.assess_repairability,
        name="repairability",
    ),
    path("machines/<int:machine_id>/impact/economics/", machines.economics, name="economics"),
    path("o/<slug:slug>/impact/", organisations.organisation_impact, name="organisation"),
    path("o/<slug:slug>/impact/report/<int:year>/", organisations.report_page, name="report"),
    path(
        "o/<slug:slug>/impact/report/<int:year>.pdf",
        organisations.report_pdf,
        name="report_pdf",
    ),
    path(
        "o/<slug:slug>/impact/report/<int:year>.csv",
        organisations.report_csv,
        name="report_csv",
    ),
    path(
        "o/<slug:slug>/impact/report/<int:year>.json",
        organisations.report_json,
        name="report_json",
    ),
    # the network dashboard and reports
    path("impact/", network.dashboard, name="network"),
    path("impact/network.csv", network.network_csv, name="network_csv"),
    path("impact/report/<int:year>/", network.report, name="network_report"),
    path("impact/report/<int:year>.pdf", network.report_pdf, name="network_report_pdf"),
    path("impact/report/<int:year>.csv", network.report_csv, name="network_report_csv"),
    path("impact/report/<int:year>.json", network.report_json, name="network_report_json"),
    # scenarios
    path("impact/scenarios/", scenarios.index, name="scenarios"),
    path("impact/scenarios/share/", scenarios.share, name="scenario_share"),
    path("impact/scenarios/share.csv", scenarios.share_csv, name="scenario_share_csv"),
    path("impact/scenarios/retrofit/", scenarios.retrofit, name="scenario_retrofit"),
    path("impact/scenarios/retrofit.csv", scenarios.retrofit_csv, name="scenario_retrofit_csv"),
    # factors and methods
    path("impact/factors/", factors.factor_table, name="factors"),
    path("impact/factors/<str:key>/", factors.factor_detail, name="factor"),
    path("impact/methods/", methods.method_index, name="methods"),
    path("impact/methods/<slug:key>/", methods.method_detail, name="method"),
]

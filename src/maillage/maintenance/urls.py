"""Every maintenance page (`maintenance:`): plans, breakdowns, passport and second life."""

from django.urls import path

from maillage.maintenance.views import breakdowns

app_name = "maintenance"

urlpatterns: list = [
    # plans, usage, interventions, reliability, retrofit
    # breakdowns, QR labels, re-routing
    path("machines/<int:machine_id>/breakdown/", breakdowns.report, name="breakdown_report"),
    path("machines/<int:machine_id>/label/", breakdowns.label, name="breakdown_label"),
    path("o/<slug:slug>/labels/", breakdowns.labels, name="breakdown_labels"),
    path("breakdowns/", breakdowns.host_list, name="breakdowns_host"),
    path("breakdowns/mine/", breakdowns.mine, name="breakdowns_mine"),
    path("breakdowns/<int:report_id>/photo/", breakdowns.photo, name="breakdown_photo"),
    path("breakdowns/<int:report_id>/<str:step>/", breakdowns.decide, name="breakdown_decide"),
    path(
        "breakdowns/affected/<int:affected_id>/rebook/",
        breakdowns.rebook,
        name="breakdown_rebook",
    ),
    # passport, transfers, second-hand machines, end of life
]

"""Every maintenance page (`maintenance:`): plans, breakdowns, passport and second life."""

from django.urls import path

from maillage.maintenance.views import breakdowns, decommissioning, passport

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
    path("machines/<int:machine_id>/passport/", passport.passport, name="passport"),
    path(
        "machines/<int:machine_id>/passport/print/", passport.passport_print, name="passport_print"
    ),
    path("machines/<int:machine_id>/passport/privacy/", passport.privacy, name="passport_privacy"),
    path("machines/<int:machine_id>/transfer/", passport.transfer_new, name="transfer_new"),
    path("transfers/<int:transfer_id>/ask/", passport.transfer_ask, name="transfer_ask"),
    path("transfers/<int:transfer_id>/decide/", passport.transfer_decide, name="transfer_decide"),
    path("second-hand/", passport.second_hand, name="second_hand"),
    path(
        "machines/<int:machine_id>/decommission/",
        decommissioning.decommission,
        name="decommission",
    ),
]

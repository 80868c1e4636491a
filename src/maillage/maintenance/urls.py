"""Every maintenance page (`maintenance:`): plans, breakdowns, passport and second life."""

from django.urls import path

from maillage.maintenance.views import (
    breakdowns,
    decommissioning,
    passport,
    plans,
    reliability,
    retrofit,
)

app_name = "maintenance"

urlpatterns: list = [
    # plans, usage, interventions, reliability, retrofit
    path("maintenance/", plans.my_maintenance, name="mine"),
    path("o/<slug:slug>/maintenance/", plans.due_tasks, name="due_tasks"),
    path("o/<slug:slug>/maintenance/plans/", plans.plan_list, name="plans"),
    path("o/<slug:slug>/maintenance/starter/", plans.apply_starter_plans, name="starter"),
    path("maintenance/plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("maintenance/tasks/<int:task_id>/", plans.task_edit, name="task_edit"),
    path("maintenance/reliability/", reliability.reliability_table, name="reliability"),
    path("machines/<int:machine_id>/maintenance/", plans.machine_maintenance, name="machine"),
    path("machines/<int:machine_id>/maintenance/use/", plans.record_usage, name="usage"),
    path(
        "machines/<int:machine_id>/maintenance/intervention/",
        plans.record_intervention,
        name="intervention",
    ),
    path("machines/<int:machine_id>/retrofit/", retrofit.retrofit_or_replace, name="retrofit"),
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

"""Every maintenance page (`maintenance:`): plans, breakdowns, passport and second life."""

from django.urls import path

from maillage.maintenance.views import plans, reliability, retrofit

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
    # passport, transfers, second-hand machines, end of life
]

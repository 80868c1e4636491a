"""Plans pages: an organisation's due tasks, a machine's tasks, use and interventions, plans
and their tasks, the starter plans. Reads go through queries (members and coordinators),
writes through actions (hosts, admins and coordinators); a machine one cannot see is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory import permissions
from maillage.directory.models import Organisation, User
from maillage.directory.queries import visible_organisations
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.maintenance.actions import interventions, retrofit, usage
from maillage.maintenance.actions import plans as plan_actions
from maillage.maintenance.forms.plans import (
    InterventionForm,
    PartFormSet,
    PlanForm,
    RetrofitProjectForm,
    TaskForm,
    UsageForm,
    show_errors,
)
from maillage.maintenance.models import MaintenancePlan, PlanTask
from maillage.maintenance.queries import plans as queries


def actor(request: HttpRequest) -> User:
    """The signed-in person (every page here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation: Organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    queries.check_can_read(request.user, organisation)
    return organisation


def _machine(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(
        visible_machines(request.user).select_related("organisation"), pk=machine_id
    )
    queries.check_can_read(request.user, machine.organisation)
    return machine


@login_required
def my_maintenance(request: HttpRequest) -> HttpResponse:
    """The menu's entry: the organisations whose maintenance one reads."""
    organisations = list(
        Organisation.objects.filter(
            memberships__user=actor(request), memberships__state="active"
        ).order_by("name")
    )
    if len(organisations) == 1:
        return redirect("maintenance:due_tasks", organisations[0].slug)
    return render(request, "maintenance/mine.html", {"organisations": organisations})


@login_required
def due_tasks(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    return render(
        request,
        "maintenance/due_tasks.html",
        {
            "organisation": organisation,
            "items": queries.due_for_organisation(request.user, organisation),
            "machines": Machine.objects.filter(organisation=organisation).order_by("name"),
            "can_host": permissions.can_host(request.user, organisation),
        },
    )


@login_required
def machine_maintenance(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    can_host = permissions.can_host(request.user, machine.organisation)
    return render(
        request,
        "maintenance/machine.html",
        {
            "machine": machine,
            "tasks": queries.machine_tasks(machine),
            "hours_used": queries.meter_hours(machine),
            "figures": queries.machine_reliability(machine),
            "interventions": queries.interventions_of(machine),
            "can_host": can_host,
            "usage_form": UsageForm() if can_host else None,
        },
    )


@login_required
@require_POST
def record_usage(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    form = UsageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            usage.record_own_use(
                actor(request), machine, data["hours"], data["when"], note=data["note"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Use recorded."))
            return redirect("maintenance:machine", machine.pk)
    return render(
        request,
        "maintenance/machine.html",
        {
            "machine": machine,
            "tasks": queries.machine_tasks(machine),
            "hours_used": queries.meter_hours(machine),
            "figures": queries.machine_reliability(machine),
            "interventions": queries.interventions_of(machine),
            "can_host": True,
            "usage_form": form,
        },
        status=400,
    )


def _parts(formset: Any) -> list[interventions.PartInput]:
    return [part for form in formset.forms if (part := form.to_input()) is not None]


def _part_errors(formset: Any, exc: ValidationError) -> ValidationError:
    """Put "parts.1.mass_kg" errors on the part's row; return what is left for the form."""
    if not hasattr(exc, "error_dict"):
        return exc
    rest = {}
    filled = [form for form in formset.forms if form.to_input() is not None]
    for name, errors in exc.error_dict.items():
        head, _dot, tail = name.partition(".")
        if head == "parts" and "." in tail:
            index, field = tail.split(".", 1)
            for error in errors:
                filled[int(index)].add_error(field, error)
        else:
            rest[name] = errors
    return ValidationError(rest) if rest else ValidationError([])


@login_required
def record_intervention(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    if not permissions.can_host(request.user, machine.organisation):
        raise PermissionDenied
    if request.method == "POST":
        form = InterventionForm(request.POST, request.FILES, machine=machine)
        formset = PartFormSet(request.POST, prefix="parts")
        project = RetrofitProjectForm(request.POST, prefix="retrofit")
        if form.is_valid() and formset.is_valid() and project.is_valid():
            try:
                _record(actor(request), machine, form.to_input(_parts(formset)), project)
            except ValidationError as exc:
                show_errors(form, _project_errors(project, _part_errors(formset, exc)))
            else:
                messages.success(request, _("Intervention recorded."))
                return redirect("maintenance:machine", machine.pk)
        status = 400
    else:
        chosen = [t for t in request.GET.getlist("task") if t.isdigit()]
        form = InterventionForm(
            machine=machine,
            initial={
                "kind": "preventive",
                "done_at": timezone.localtime().replace(second=0, microsecond=0),
                "tasks": chosen,
            },
        )
        formset = PartFormSet(prefix="parts")
        project = RetrofitProjectForm(prefix="retrofit")
        status = 200
    return render(
        request,
        "maintenance/intervention_form.html",
        {"machine": machine, "form": form, "formset": formset, "project": project},
        status=status,
    )


def _record(
    user: User,
    machine: Machine,
    work: interventions.InterventionInput,
    project: RetrofitProjectForm,
) -> None:
    """A retrofit with its project described is recorded as a retrofit project."""
    if project.is_filled():
        retrofit.record_retrofit(user, machine, project.to_input(), work)
    else:
        interventions.record_intervention(user, machine, work)


def _project_errors(project: RetrofitProjectForm, exc: ValidationError) -> ValidationError:
    """Put the project's errors on its fields; return what is left for the intervention."""
    if not hasattr(exc, "error_dict"):
        return exc
    rest = {}
    for name, errors in exc.error_dict.items():
        if name in project.fields:
            for error in errors:
                project.add_error(name, error)
        else:
            rest[name] = errors
    return ValidationError(rest) if rest else ValidationError([])


@login_required
def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    can_host = permissions.can_host(request.user, organisation)
    form = PlanForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        if not can_host:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = plan_actions.create_plan(actor(request), organisation, form.to_input())
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("Plan created; add its tasks."))
                return redirect("maintenance:plan", plan.pk)
        status = 400
    return render(
        request,
        "maintenance/plan_list.html",
        {
            "organisation": organisation,
            "plans": queries.plans_of(organisation),
            "form": form if can_host else None,
            "can_host": can_host,
        },
        status=status,
    )


@login_required
@require_POST
def apply_starter_plans(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    made = plan_actions.apply_starter_plans(actor(request), organisation)
    if made:
        messages.success(
            request,
            _("Starter plans added: %(names)s.") % {"names": ", ".join(p.name for p in made)},
        )
    else:
        messages.info(request, _("No starter plan fits the machines not already planned."))
    return redirect("maintenance:plans", organisation.slug)


def _plan(request: HttpRequest, plan_id: int) -> MaintenancePlan:
    plan: MaintenancePlan = get_object_or_404(
        MaintenancePlan.objects.select_related("organisation", "machine", "process"), pk=plan_id
    )
    if not permissions.can_view_organisation(request.user, plan.organisation):
        raise PermissionDenied
    queries.check_can_read(request.user, plan.organisation)
    return plan


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's settings and tasks; POST `form=plan` edits it, `form=task` adds a task."""
    plan = _plan(request, plan_id)
    can_host = permissions.can_host(request.user, plan.organisation)
    initial = {
        "name": plan.name,
        "machine": plan.machine_id,
        "process": plan.process.code if plan.process else None,
        "enforcement": plan.enforcement,
    }
    which = request.POST.get("form") if request.method == "POST" else None
    plan_form = PlanForm(
        request.POST if which == "plan" else None, initial=initial, organisation=plan.organisation
    )
    task_form = TaskForm(request.POST if which == "task" else None)
    if which is not None:
        if not can_host:
            raise PermissionDenied
        form: Any = plan_form if which == "plan" else task_form
        if form.is_valid():
            try:
                if which == "plan":
                    plan_actions.edit_plan(actor(request), plan, form.to_input())
                else:
                    plan_actions.add_task(actor(request), plan, form.to_input())
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("maintenance:plan", plan.pk)
    return render(
        request,
        "maintenance/plan_detail.html",
        {
            "plan": plan,
            "tasks": plan.tasks.all(),
            "plan_form": plan_form,
            "task_form": task_form,
            "can_host": can_host,
        },
        status=400 if which is not None else 200,
    )


@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(PlanTask.objects.select_related("plan"), pk=task_id)
    plan = _plan(request, task.plan_id)
    if not permissions.can_host(request.user, plan.organisation):
        raise PermissionDenied
    form = TaskForm(request.POST or None, initial=TaskForm.initial_for(task))
    if request.method == "POST" and form.is_valid():
        try:
            plan_actions.edit_task(actor(request), task, form.to_input())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect("maintenance:plan", plan.pk)
    return render(
        request,
        "maintenance/task_form.html",
        {"plan": plan, "task": task, "form": form},
        status=400 if request.method == "POST" else 200,
    )

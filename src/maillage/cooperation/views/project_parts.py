"""A project's parts, edited from its page: partners, needs and milestones (add, remove, mark)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation.actions import projects as actions
from maillage.cooperation.forms.projects import MilestoneForm, NeedForm, PartnerForm
from maillage.cooperation.queries import projects as queries
from maillage.cooperation.views.projects import visible_project
from maillage.core.views import flash_outcome
from maillage.sharing.views.common import acting_user, error_text, form_errors


def _back(slug: str, anchor: str) -> HttpResponse:
    return redirect(reverse("cooperation:project", args=[slug]) + f"#{anchor}")


@login_required
@require_POST
def partner_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = visible_project(request, slug)
    form = PartnerForm(request.POST, prefix="partner")
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return _back(slug, "partners")
    data = form.cleaned_data
    flash_outcome(
        request,
        lambda: actions.add_partner(
            acting_user(request), project, data["organisation"], data["role"]
        ),
        _("Partner added."),
    )
    return _back(slug, "partners")


@login_required
@require_POST
def partner_remove(request: HttpRequest, slug: str, partner_id: int) -> HttpResponse:
    project = visible_project(request, slug)
    partner = get_object_or_404(project.partners.select_related("project__lead"), pk=partner_id)
    flash_outcome(
        request,
        lambda: actions.remove_partner(acting_user(request), partner),
        _("Partner removed."),
    )
    return _back(slug, "partners")


@login_required
@require_POST
def need_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = visible_project(request, slug)
    form = NeedForm(request.POST, prefix="need", machines=queries.project_machines(project))
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return _back(slug, "needs")
    data = form.cleaned_data
    need = actions.NeedInput(
        kind=data["kind"],
        label=data["label"],
        machine=data["machine"],
        process=data["process"],
        quantity=data["quantity"],
    )
    try:
        actions.add_need(acting_user(request), project, need)
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(request, _("Need added."))
    return _back(slug, "needs")


@login_required
@require_POST
def need_met(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    project = visible_project(request, slug)
    need = get_object_or_404(project.needs.select_related("project__lead"), pk=need_id)
    met = request.POST.get("met") == "1"
    flash_outcome(
        request,
        lambda: actions.set_need_met(acting_user(request), need, met),
        _("Need marked as met.") if met else _("Need marked as not met."),
    )
    return _back(slug, "needs")


@login_required
@require_POST
def need_remove(request: HttpRequest, slug: str, need_id: int) -> HttpResponse:
    project = visible_project(request, slug)
    need = get_object_or_404(project.needs.select_related("project__lead"), pk=need_id)
    flash_outcome(
        request, lambda: actions.remove_need(acting_user(request), need), _("Need removed.")
    )
    return _back(slug, "needs")


@login_required
@require_POST
def milestone_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = visible_project(request, slug)
    form = MilestoneForm(request.POST, prefix="milestone")
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return _back(slug, "milestones")
    data = form.cleaned_data
    flash_outcome(
        request,
        lambda: actions.add_milestone(
            acting_user(request), project, data["title"], data["due_on"], data["done_on"]
        ),
        _("Milestone added."),
    )
    return _back(slug, "milestones")


@login_required
@require_POST
def milestone_done(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    project = visible_project(request, slug)
    milestone = get_object_or_404(
        project.milestones.select_related("project__lead"), pk=milestone_id
    )
    done_on = None if request.POST.get("undo") else timezone.localdate()
    flash_outcome(
        request,
        lambda: actions.mark_milestone_done(acting_user(request), milestone, done_on),
        _("Milestone done.") if done_on else _("Milestone reopened."),
    )
    return _back(slug, "milestones")


@login_required
@require_POST
def milestone_remove(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    project = visible_project(request, slug)
    milestone = get_object_or_404(
        project.milestones.select_related("project__lead"), pk=milestone_id
    )
    flash_outcome(
        request,
        lambda: actions.remove_milestone(acting_user(request), milestone),
        _("Milestone removed."),
    )
    return _back(slug, "milestones")

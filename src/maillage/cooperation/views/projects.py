"""The project portfolio: the list with its filters, a project's page, creating and editing a
project, moving its stage, the map and its GeoJSON, and starting a project from unmet searches.

Everyone reads public projects; a private one is a 404 to whoever is neither in its lead or
partner organisations nor a coordinator. Writes belong to the lead's admins and coordinators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation import portfolio
from maillage.cooperation.actions import projects as actions
from maillage.cooperation.forms.projects import (
    FilterForm,
    MilestoneForm,
    NeedForm,
    PartnerForm,
    ProjectForm,
    StageForm,
    StartForm,
)
from maillage.cooperation.models import NeedKind, Project, ProjectStage
from maillage.cooperation.queries import projects as queries
from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.geocode import find_commune
from maillage.directory.models import Organisation, OrganisationStatus
from maillage.directory.views import TILES_URL
from maillage.sharing.views.common import acting_user


def visible_project(request: HttpRequest, slug: str) -> Project:
    """The project if this viewer may read it; a 404 otherwise, as if it did not exist."""
    return get_object_or_404(
        queries.visible_projects(request.user).select_related("lead", "commune", "network"),
        slug=slug,
    )


def _filters(request: HttpRequest) -> tuple[FilterForm, queries.Filters]:
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, queries.Filters(**form.cleaned_data)
    return form, queries.Filters()


def project_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    rows = [(p, portfolio.euros(p.budget)) for p in queries.portfolio_list(request.user, filters)]
    return render(
        request,
        "cooperation/projects.html",
        {
            "form": form,
            "rows": rows,
            "can_create": queries.leadable_organisations(request.user).exists(),
            "can_start": permissions.is_coordinator(request.user),
        },
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = visible_project(request, slug)
    editable = queries.can_edit(request.user, project)
    context: dict[str, Any] = {
        "project": project,
        "editable": editable,
        **queries.project_detail(project),
    }
    if editable:
        context["moves"] = [
            (stage, ProjectStage(stage).label) for stage in portfolio.allowed_moves(project.stage)
        ]
        context["partner_form"] = PartnerForm(prefix="partner")
        context["need_form"] = NeedForm(prefix="need", machines=queries.project_machines(project))
        context["milestone_form"] = MilestoneForm(prefix="milestone")
        context["process_kind"] = NeedKind.PROCESS
    return render(request, "cooperation/project.html", context)


def _project_input(form: ProjectForm) -> actions.ProjectInput:
    data = form.cleaned_data
    return actions.ProjectInput(
        title=data["title"],
        theme=data["theme"],
        lead=data["lead"],
        summary=data["summary"],
        budget=data["budget"],
        commune=data["commune_row"],
        is_public=data["is_public"],
    )


def _commune_ok(form: ProjectForm) -> bool:
    """The commune typed in, found in the reference list (an error on its field otherwise)."""
    text = form.cleaned_data.get("commune", "").strip()
    form.cleaned_data["commune_row"] = find_commune(text) if text else None
    if text and form.cleaned_data["commune_row"] is None:
        form.add_error("commune", _("No commune of this name or postal code."))
        return False
    return True


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    leads = queries.leadable_organisations(user)
    if not leads.exists():
        raise PermissionDenied(_("Only an organisation's admins and the coordinators may do this."))
    form = ProjectForm(request.POST or None, leads=leads, initial={"budget": 0})
    if request.method == "POST" and form.is_valid() and _commune_ok(form):
        try:
            project = actions.create_project(user, _project_input(form))
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Project created."))
            return redirect("cooperation:project", project.slug)
    return render(
        request, "cooperation/project_form.html", {"form": form, "title": _("New project")}
    )


@login_required
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = acting_user(request)
    project = visible_project(request, slug)
    if not queries.can_edit(user, project):
        raise PermissionDenied(_("Only the lead organisation's admins and the coordinators."))
    leads = queries.leadable_organisations(user) | Organisation.objects.filter(pk=project.lead_id)
    initial = {
        "title": project.title,
        "summary": project.summary,
        "lead": project.lead,
        "theme": project.theme,
        "budget": project.budget,
        "commune": project.commune.name if project.commune else "",
        "is_public": project.is_public,
        "version": project.version,
    }
    form = ProjectForm(request.POST or None, leads=leads.distinct(), initial=initial)
    if request.method == "POST" and form.is_valid() and _commune_ok(form):
        version = form.cleaned_data.get("version") or 0
        try:
            actions.update_project(user, project, _project_input(form), version)
        except actions.VersionConflict as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect("cooperation:project", project.slug)
    return render(
        request,
        "cooperation/project_form.html",
        {"form": form, "title": _("Edit the project"), "project": project},
    )


@login_required
@require_POST
def project_stage(request: HttpRequest, slug: str) -> HttpResponse:
    user = acting_user(request)
    project = visible_project(request, slug)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the stages."))
        return redirect("cooperation:project", slug)
    try:
        moved = actions.move_stage(
            user, project, form.cleaned_data["from_stage"], form.cleaned_data["to_stage"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The project is now at the stage “%(s)s”.") % {"s": moved.get_stage_display()},
        )
    return redirect("cooperation:project", slug)


def projects_map(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    return render(
        request,
        "cooperation/projects_map.html",
        {
            "form": form,
            "collection": queries.projects_geojson(request.user, filters),
            "tiles_url": TILES_URL,
        },
    )


def projects_geojson(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    response = JsonResponse(queries.projects_geojson(request.user, filters))
    response["Content-Type"] = "application/geo+json"
    return response


@login_required
def from_needs(request: HttpRequest) -> HttpResponse:
    """Coordinators: the unmet searches of the year by process, each a possible project."""
    user = acting_user(request)
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinators see the unmet searches of everyone."))
    if request.method == "POST":
        form = StartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the process and the lead organisation."))
            return redirect("cooperation:projects_from_needs")
        try:
            project = actions.start_from_needs(
                user, form.cleaned_data["process"], form.cleaned_data["lead"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cooperation:projects_from_needs")
        messages.success(request, _("Project started at the idea stage."))
        return redirect("cooperation:project", project.slug)
    groups = queries.unmet_groups()
    validated = Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
    names = dict(validated.values_list("pk", "name"))
    everyone = sorted(names.items(), key=lambda item: item[1])
    rows = []
    for group in groups:
        askers = [(pk, names[pk]) for pk in group.organisation_ids if pk in names]
        rows.append({"group": group, "leads": askers or everyone})
    return render(
        request,
        "cooperation/projects_from_needs.html",
        {"rows": rows},
    )

"""Machine pages: the list with its filters, a machine, its form, removal and documents."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import add_action_errors
from maillage.core.views import flash_outcome, save_form
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.directory.queries import visible_organisations
from maillage.equipment import actions, queries
from maillage.equipment.forms import DocumentForm, MachineFilterForm, MachineForm
from maillage.equipment.models import Machine


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def machine_list(request: HttpRequest) -> HttpResponse:
    # Same filters as the API and the map's machine layer; bad values are shown on the form.
    form = MachineFilterForm(request.GET)
    try:
        filters = queries.MachineFilters.from_params(request.GET)
    except ValidationError as exc:
        form.is_valid()
        add_action_errors(form, exc)
        filters = queries.MachineFilters()
    machines = (
        queries.filter_machines(queries.visible_machines(request.user), filters)
        .select_related("organisation", "site")
        .prefetch_related("processes")
        .order_by("name", "pk")
    )
    page = Paginator(machines, 50).get_page(request.GET.get("page"))
    map_params = {"machines": "1"}
    if filters.process:
        map_params["process"] = filters.process
    if filters.material:
        map_params["material"] = filters.material
    for key in ("dept", "kind"):
        if getattr(filters, key):
            map_params[key] = getattr(filters, key)
    return render(
        request,
        "equipment/machine_list.html",
        {
            "form": form,
            "page": page,
            "filters_query": urlencode(filters.as_params()),
            "map_query": urlencode(map_params),
        },
    )


def _visible_machine(request: HttpRequest, machine_id: int) -> Machine:
    return get_object_or_404(
        queries.visible_machines(request.user)
        .select_related("organisation", "site__commune")
        .prefetch_related("processes", "materials", "documents"),
        pk=machine_id,
    )


def machine_detail(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    can_edit = permissions.can_edit_sites(request.user, machine.organisation)
    return render(
        request,
        "equipment/machine_detail.html",
        {
            "machine": machine,
            "can_edit": can_edit,
            "can_host": permissions.can_host(request.user, machine.organisation),
            "last_change": machine.history.select_related("history_user").first(),
            "document_form": DocumentForm() if can_edit else None,
        },
    )


@login_required
def machine_edit(
    request: HttpRequest, slug: str | None = None, machine_id: int | None = None
) -> HttpResponse:
    if machine_id is not None:
        machine: Machine | None = _visible_machine(request, machine_id)
        assert machine is not None
        organisation = machine.organisation
    else:
        machine = None
        organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    if not permissions.can_edit_sites(request.user, organisation):
        raise PermissionDenied
    initial = MachineForm.initial_for(machine) if machine else {"condition": "good"}
    form = MachineForm(request.POST or None, initial=initial, organisation=organisation)

    def save() -> Machine:
        if machine is None:
            return actions.create_machine(_actor(request), organisation, form.to_input())
        return actions.update_machine(_actor(request), machine, form.to_input())

    saved = save_form(request, form, save, _("Machine saved."))
    if saved is not None:
        return redirect(saved)
    return render(
        request,
        "equipment/machine_form.html",
        {"form": form, "machine": machine, "organisation": organisation},
    )


@login_required
@require_POST
def machine_delete(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    organisation = machine.organisation
    removed = flash_outcome(
        request,
        lambda: actions.delete_machine(_actor(request), machine),
        _("Machine removed."),
        one_message_each=True,
    )
    # Refused: the machine's page offers to retire it.
    return redirect(organisation if removed else machine)


@login_required
@require_POST
def machine_retire(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    flash_outcome(
        request,
        lambda: actions.retire_machine(_actor(request), machine),
        _("Machine retired: it keeps its history."),
        one_message_each=True,
    )
    return redirect(machine)


@login_required
@require_POST
def document_add(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _visible_machine(request, machine_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        flash_outcome(
            request,
            lambda: actions.add_document(
                _actor(request),
                machine,
                data["kind"],
                data["title"],
                url=data["url"] or "",
                file=data["file"],
            ),
            _("Document added."),
        )
    else:
        messages.error(request, _("Check the document's kind, title and file or link."))
    return redirect(machine)

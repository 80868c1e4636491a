"""Maintenance page: decommissioning a machine, for the owner's admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.equipment.models import Machine, Material
from maillage.equipment.queries import visible_machines
from maillage.maintenance import waste
from maillage.maintenance.actions.decommissioning import decommission_machine
from maillage.maintenance.forms.passport import DecommissionForm
from maillage.maintenance.models.passport import Decommissioning, Destination
from maillage.maintenance.queries.passport import can_manage


def _page(
    request: HttpRequest, machine: Machine, form: DecommissionForm, status: int = 200
) -> HttpResponse:
    language = get_language() or "fr"
    codes = [(c.code, c.label(language), c.hazardous) for c in waste.waste_codes().values()]
    return render(
        request,
        "maintenance/decommission.html",
        {
            "machine": machine,
            "form": form,
            "rows": form.rows_for_display(),
            "destinations": Destination.choices,
            "materials": Material.choices,
            "codes": codes,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def decommission(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine: Machine = get_object_or_404(
        visible_machines(request.user).select_related("organisation", "site"), pk=machine_id
    )
    if not can_manage(request.user, machine):
        raise PermissionDenied(_("Only the organisation's admins decommission its machines."))
    if Decommissioning.objects.filter(machine=machine).exists():
        messages.info(request, _("This machine is already decommissioned."))
        return redirect("maintenance:passport", machine.pk)
    if request.method != "POST":
        return _page(request, machine, DecommissionForm.blank())
    form = DecommissionForm.posted(request.POST)
    data = form.to_input()
    if data is None:
        return _page(request, machine, form, status=400)
    assert isinstance(request.user, User)
    try:
        decommission_machine(request.user, machine, data)
    except ValidationError as exc:
        form.add_errors(exc.message_dict)
        return _page(request, machine, form, status=400)
    messages.success(request, _("The machine is decommissioned; its passport keeps where it went."))
    return redirect("maintenance:passport", machine.pk)

"""What the plans topic shows on other apps' pages, through core.panels (registered in
`MaintenanceConfig.ready`): due tasks on the host dashboard, reliability on the machine page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from maillage.directory import permissions
from maillage.maintenance.queries import plans as queries

HOST_DASHBOARD = "sharing.host_dashboard"
MACHINE_PAGE = "equipment.machine"


def due_on_host_dashboard(request: HttpRequest, obj: Any = None) -> str:
    """Due and overdue tasks on the machines of the organisations the person hosts for."""
    found = queries.due_for_host(request.user)
    if not found:
        return ""
    return render_to_string("maintenance/panels/host_due.html", {"items": found}, request=request)


def reliability_on_machine_page(request: HttpRequest, machine: Any) -> str:
    """The machine's last twelve months for everyone who sees it; its tasks for its members."""
    if machine is None:
        return ""
    can_read = queries.can_read_maintenance(request.user, machine.organisation)
    return render_to_string(
        "maintenance/panels/machine.html",
        {
            "machine": machine,
            "figures": queries.machine_reliability(machine),
            "hours_used": queries.meter_hours(machine),
            "tasks": [item for item in queries.machine_tasks(machine)][:5] if can_read else [],
            "can_read": can_read,
            "can_host": permissions.can_host(request.user, machine.organisation),
        },
        request=request,
    )

"""The process taxonomy's pages: the tree with machine counts, and a process's machines."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from maillage.directory import permissions
from maillage.equipment.models import Machine, Process


def process_tree(request: HttpRequest) -> HttpResponse:
    # The whole taxonomy with, for each node, how many public machines in service it (or a
    # sub-process) has: each machine counted once per node, as the machine list shows them.
    processes = list(Process.objects.all())
    machines_at: dict[str, set[int]] = defaultdict(set)
    rows = (
        Machine.processes.through.objects.filter(machine__organisation__status="validated")
        .exclude(machine__status="retired")
        .values_list("machine_id", "process__path")
    )
    for machine_id, path in rows:
        for code in path.strip("|").split("|"):
            machines_at[code].add(machine_id)
    totals = {p.pk: len(machines_at.get(p.code, ())) for p in processes}
    return render(
        request,
        "equipment/process_tree.html",
        {
            "processes": [(p, totals[p.pk]) for p in processes],
            "is_coordinator": permissions.is_coordinator(request.user),
        },
    )


def process_detail(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    return redirect(f"/machines/?{urlencode({'process': process.code})}")

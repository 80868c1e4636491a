"""Maintenance pages: breakdowns — the report form (machine page, booking, QR label), the QR
labels, the host's list of reports, and a booker's bookings re-routed by a breakdown."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory import permissions
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine, MachineStatus
from maillage.equipment.queries import visible_machines
from maillage.maintenance.actions import breakdowns as actions
from maillage.maintenance.forms.breakdowns import ConfirmForm, NoteForm, RebookForm, ReportForm
from maillage.maintenance.models.breakdowns import BreakdownState
from maillage.maintenance.queries import breakdowns as queries
from maillage.matching.queries import reason_label
from maillage.sharing.models import Booking
from maillage.sharing.views.common import acting_user, error_text, form_errors


def _machine(request: HttpRequest, machine_id: int) -> Machine:
    return get_object_or_404(
        visible_machines(request.user).select_related("organisation", "site"), pk=machine_id
    )


def qr_svg(request: HttpRequest, machine: Machine) -> SafeString:
    """The report form's address as an inline SVG QR code (no script, scales to its box)."""
    url = request.build_absolute_uri(reverse("maintenance:breakdown_report", args=[machine.pk]))
    code = segno.make(url, error="m")
    # segno writes the SVG itself from the URL: no markup from people goes in.
    return mark_safe(code.svg_inline(omitsize=True))


@login_required
def report(request: HttpRequest, machine_id: int) -> HttpResponse:
    actor = acting_user(request)
    machine = _machine(request, machine_id)
    asked = (request.POST.get("booking") or request.GET.get("booking") or "").strip()
    booking = None
    if asked.isdigit():
        # Only the person's own booking of this machine; anything else is ignored.
        booking = Booking.objects.filter(pk=int(asked), booker=actor, machine=machine).first()
    allowed = queries.may_report(actor, machine)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and allowed:
        if form.is_valid():
            try:
                actions.report_breakdown(
                    actor,
                    machine,
                    form.cleaned_data["description"],
                    photo=form.cleaned_data["photo"],
                    booking=booking,
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc, form))
            else:
                messages.success(request, _("Thank you: the host has been told."))
                return redirect(machine.get_absolute_url())
        else:
            messages.error(request, error_text(form_errors(form), form))
    return render(
        request,
        "maintenance/breakdown_report.html",
        {
            "machine": machine,
            "form": form,
            "booking": booking,
            "allowed": allowed,
            "retired": machine.status == MachineStatus.RETIRED,
        },
    )


def label(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _machine(request, machine_id)
    return render(
        request,
        "maintenance/breakdown_labels.html",
        {"labels": [(machine, qr_svg(request, machine))], "single": True},
    )


@login_required
def labels(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_host(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's hosts print its labels."))
    machines = organisation.machines.exclude(status=MachineStatus.RETIRED).order_by("name", "pk")
    return render(
        request,
        "maintenance/breakdown_labels.html",
        {
            "labels": [(m, qr_svg(request, m)) for m in machines],
            "organisation": organisation,
            "single": False,
        },
    )


@login_required
def host_list(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    reports = list(queries.reports_for_host(actor).prefetch_related("affected__alternative"))
    return render(
        request,
        "maintenance/breakdowns_host.html",
        {
            "open": [r for r in reports if r.state in (BreakdownState.REPORTED, "confirmed")],
            "closed": [r for r in reports if r.state in ("resolved", "dismissed")][:50],
            "confirm_form": ConfirmForm(),
            "note_form": NoteForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, report_id: int, step: str) -> HttpResponse:
    actor = acting_user(request)
    found = get_object_or_404(queries.reports_for_host(actor), pk=report_id)
    form: ConfirmForm | NoteForm = (
        ConfirmForm(request.POST) if step == "confirm" else NoteForm(request.POST)
    )
    if not form.is_valid():
        messages.error(request, error_text(form_errors(form), form))
        return redirect("maintenance:breakdowns_host")
    try:
        if step == "confirm":
            actions.confirm_breakdown(actor, found, form.cleaned_data["estimated_end"])
            done = _("Breakdown confirmed: the bookers concerned are told.")
        elif step == "dismiss":
            actions.dismiss_breakdown(actor, found, form.cleaned_data["note"])
            done = _("Report dismissed.")
        elif step == "resolve":
            actions.resolve_breakdown(actor, found, form.cleaned_data["note"])
            done = _("Breakdown resolved: the machine takes bookings again.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(request, done)
    return redirect("maintenance:breakdowns_host")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    actor = acting_user(request)
    rows = [
        (row, reason_label(row.unmet_reason) if row.unmet_reason else "")
        for row in queries.affected_of(actor)[:100]
    ]
    return render(
        request,
        "maintenance/breakdowns_mine.html",
        {"rows": rows, "rebook_form": RebookForm()},
    )


@login_required
@require_POST
def rebook(request: HttpRequest, affected_id: int) -> HttpResponse:
    actor = acting_user(request)
    row = get_object_or_404(queries.affected_of(actor), pk=affected_id)
    form = RebookForm(request.POST)
    form.is_valid()
    try:
        actions.rebook(
            actor, row, safety_acknowledged=bool(form.cleaned_data.get("safety_acknowledged"))
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc, form))
    else:
        messages.success(request, _("Rebooked: your new booking is in your bookings."))
    return redirect("maintenance:breakdowns_mine")


@login_required
def photo(request: HttpRequest, report_id: int) -> FileResponse:
    found = get_object_or_404(queries.visible_reports(acting_user(request)), pk=report_id)
    if not found.photo:
        raise Http404
    return FileResponse(found.photo.open("rb"), content_type=found.photo_type)

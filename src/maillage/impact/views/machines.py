"""A machine's impact: its page (everyone who sees the machine; prices to its members) and the
owner's forms for composition, repairability and economics. A machine one cannot see is a 404;
one seen but not one's own is a 403 on the forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.forms import add_action_errors
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.impact import repairability
from maillage.impact.actions.composition import save_composition
from maillage.impact.actions.economics import save_economics
from maillage.impact.actions.machines import ensure_impact
from maillage.impact.actions.repairability import documents_on_file, record_assessment
from maillage.impact.forms.machines import (
    EconomicsForm,
    MaterialForm,
    MaterialFormSet,
    RepairabilityForm,
    criterion_labels,
    filled_rows,
    share_defaults,
    show_economics_errors,
    show_row_errors,
)
from maillage.impact.models import MachineEconomics, MaterialShare, RepairabilityAssessment
from maillage.impact.queries import machines as queries
from maillage.impact.queries.factors import current_factors
from maillage.maintenance.models import PartMaterial

HISTORY = 10


def actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def visible_machine(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(
        visible_machines(request.user).select_related("organisation", "site"), pk=machine_id
    )
    return machine


def _editable_machine(request: HttpRequest, machine_id: int) -> Machine:
    machine = visible_machine(request, machine_id)
    if not queries.can_edit(request.user, machine):
        raise PermissionDenied
    return machine


def fix_urls(machine: Machine, card: queries.MachineCard) -> dict[str, str]:
    """Where the owner fills in what a figure lacks (nothing for the others)."""
    if not card.editable:
        return {}
    return {
        "composition": reverse("impact:composition", args=[machine.pk]),
        "repairability": reverse("impact:repairability", args=[machine.pk]),
        "economics": reverse("impact:economics", args=[machine.pk]),
        "machine": reverse("equipment:machine_edit", args=[machine.pk]),
        "usage": reverse("maintenance:machine", args=[machine.pk]),
    }


def card_context(request: HttpRequest, machine: Machine) -> dict[str, Any]:
    card = queries.machine_card(machine, ensure_impact(machine), request.user)
    return {"machine": machine, "card": card, "fixes": fix_urls(machine, card)}


def machine_impact(request: HttpRequest, machine_id: int) -> HttpResponse:
    """The card with its details: composition, repairability history, economics (private)."""
    machine = visible_machine(request, machine_id)
    context = card_context(request, machine)
    assessments = list(
        RepairabilityAssessment.objects.filter(machine=machine)
        .select_related("assessed_by")
        .order_by("-assessed_at")[:HISTORY]
    )
    context.update(
        {
            "materials": MaterialShare.objects.filter(machine=machine),
            "assessments": assessments,
            "latest": assessments[0] if assessments else None,
            "criteria": criterion_labels(),
        }
    )
    return render(request, "impact/machine.html", context)


@login_required
def composition(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _editable_machine(request, machine_id)
    defaults = share_defaults(current_factors())
    rest: list[str] = []
    if request.method == "POST":
        formset = MaterialFormSet(
            request.POST, prefix="materials", form_kwargs={"defaults": defaults}
        )
        if formset.is_valid():
            rows = [form.to_input() for form in filled_rows(formset)]
            try:
                save_composition(actor(request), machine, rows)
            except ValidationError as exc:
                rest = show_row_errors(formset, exc)
            else:
                messages.success(request, _("Composition saved; the machine's figures follow."))
                return redirect("impact:machine", machine.pk)
        status = 400
    else:
        initial = [
            MaterialForm.initial_for(row) for row in MaterialShare.objects.filter(machine=machine)
        ]
        formset = MaterialFormSet(
            initial=initial, prefix="materials", form_kwargs={"defaults": defaults}
        )
        status = 200
    return render(
        request,
        "impact/composition.html",
        {
            "machine": machine,
            "formset": formset,
            "errors": rest,
            "defaults": defaults,
            "default_rows": [
                (PartMaterial(material).label, values) for material, values in defaults.items()
            ],
        },
        status=status,
    )


def _assessment_initial(machine: Machine) -> dict[str, Any]:
    latest = (
        RepairabilityAssessment.objects.filter(machine=machine).order_by("-assessed_at").first()
    )
    if latest is None:
        return {}
    initial: dict[str, Any] = {}
    for key in repairability.CRITERIA:
        initial[key] = str(getattr(latest, key)).replace(".", ",")
        initial[f"evidence_{key}"] = (latest.evidence.get(key) or {}).get("text", "")
    return initial


@login_required
def assess_repairability(request: HttpRequest, machine_id: int) -> HttpResponse:
    """POST `suggest` fills the scores from the guidance (nothing saved); `save` records."""
    machine = _editable_machine(request, machine_id)
    documents = documents_on_file(machine)
    status = 200
    suggested: dict[str, float] = {}
    if request.method == "POST":
        form = RepairabilityForm(request.POST)
        status = 400
        if form.is_valid() and "suggest" in request.POST:
            suggested = form.suggestions(len(documents))
            data = request.POST.copy()
            for key, value in suggested.items():
                data[key] = f"{value:g}".replace(".", ",")
            form = RepairabilityForm(data)
            form.is_valid()
            status = 200
        elif form.is_valid():
            try:
                record_assessment(actor(request), machine, form.to_input())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Repairability recorded."))
                return redirect("impact:machine", machine.pk)
    else:
        form = RepairabilityForm(initial=_assessment_initial(machine))
    return render(
        request,
        "impact/repairability.html",
        {
            "machine": machine,
            "form": form,
            "documents": documents,
            "criteria": [
                (key, label, form[key], form[f"evidence_{key}"], suggested.get(key))
                for key, label in criterion_labels().items()
            ],
        },
        status=status,
    )


@login_required
def economics(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = _editable_machine(request, machine_id)
    current = MachineEconomics.objects.filter(machine=machine).first()
    form = EconomicsForm(request.POST or None, initial=EconomicsForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        try:
            save_economics(actor(request), machine, form.to_input())
        except ValidationError as exc:
            show_economics_errors(form, exc)
        else:
            messages.success(request, _("Economics saved; they stay private to your organisation."))
            return redirect("impact:machine", machine.pk)
    factors = current_factors()
    return render(
        request,
        "impact/economics.html",
        {
            "machine": machine,
            "form": form,
            "passport_price_cents": queries.passport_price_cents(machine),
            "defaults": {
                "residual_share": factors.value("residual_value_share"),
                "life_years": factors.value("machine_life_years"),
                "fixed_share": factors.value("fixed_costs_share_of_price"),
                "fixed_per_year": factors.value("fixed_costs_per_year"),
                "variable": factors.value("variable_cost_per_hour"),
                "hours": factors.value("hours_available_per_year"),
                "rate": factors.value("discount_rate"),
                "coordination": factors.value("coordination_cost_per_hour"),
            },
        },
        status=400 if request.method == "POST" else 200,
    )

"""The factor table, public: every factor in force, and each factor's versions.

Coordinators change a factor for the territory on its history page (a new version, or back to
the shipped value); the action checks who asks, so a refused POST is a 403 and saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.impact import methods
from maillage.impact.actions import factors as factor_actions
from maillage.impact.factors import FactorValue
from maillage.impact.forms.factors import OverrideForm, RevertForm
from maillage.impact.queries.factors import current_factors, factor_history


@dataclass(frozen=True)
class FactorRow:
    """A factor as a page shows it: its value and the names people read."""

    factor: FactorValue
    label: str
    unit: str
    status: str
    methods: list[methods.Method]

    @property
    def value(self) -> str:
        """As typed, in the reader's language: "0,052", "1 760", never "0,0520"."""
        return format_value(self.factor.value)


def format_value(value: float) -> str:
    return formats.number_format(Decimal(f"{value:.10g}"), use_l10n=True, force_grouping=True)


def factor_rows(factors: list[FactorValue]) -> list[FactorRow]:
    return [
        FactorRow(
            factor=factor,
            label=methods.factor_label(factor.key),
            unit=methods.unit_label(factor.unit),
            status=str(methods.STATUS_LABELS.get(factor.status, factor.status)),
            methods=methods.methods_using(factor.key),
        )
        for factor in factors
    ]


def factor_table(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "impact/factors.html",
        {
            "rows": factor_rows(current_factors().all()),
            "can_override": permissions.is_coordinator(request.user),
        },
    )


def factor_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A factor's versions, newest first; coordinators post a new value or a revert here."""
    history = factor_history(key)
    if not history:
        raise Http404
    current = history[0].value
    override_form = OverrideForm(
        initial={"expected_version": current.version, "year": timezone.localdate().year}
    )
    revert_form = RevertForm(initial={"expected_version": current.version}, prefix="revert")
    status = 200
    if request.method == "POST":
        # Who asks is checked before the form, so a refused person learns nothing of its errors.
        if not permissions.is_coordinator(request.user):
            raise PermissionDenied
        assert isinstance(request.user, User)
        if request.POST.get("do") == "revert":
            revert_form = RevertForm(request.POST, prefix="revert")
            status = _revert(request.user, key, revert_form)
        else:
            override_form = OverrideForm(request.POST)
            status = _override(request.user, key, override_form)
        if status == 200:
            messages.success(
                request,
                _("New version saved; every machine's figures are being recomputed."),
            )
            return redirect("impact:factor", key)
    can_override = permissions.is_coordinator(request.user)
    return render(
        request,
        "impact/factor.html",
        {
            "row": factor_rows([current])[0],
            "history": [(version, factor_rows([version.value])[0]) for version in history],
            "shipped_value": format_value(history[-1].value.value),
            "can_override": can_override,
            "can_revert": can_override and current.status == "override",
            "override_form": override_form,
            "revert_form": revert_form,
        },
        status=status,
    )


def _refused(form: forms.Form, exc: ValidationError) -> int:
    """The action's errors on the form: 409 when someone else changed the factor meanwhile."""
    add_action_errors(form, exc)
    return 409 if isinstance(exc, factor_actions.FactorConflict) else 400


def _override(actor: User, key: str, form: OverrideForm) -> int:
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        factor_actions.override_factor(
            actor,
            key,
            data["value"],
            data["source"],
            data["year"],
            data["note"],
            expected_version=data["expected_version"],
        )
    except ValidationError as exc:
        return _refused(form, exc)
    return 200


def _revert(actor: User, key: str, form: RevertForm) -> int:
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        factor_actions.revert_factor(
            actor, key, data["note"], expected_version=data["expected_version"]
        )
    except ValidationError as exc:
        return _refused(form, exc)
    return 200

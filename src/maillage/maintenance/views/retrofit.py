"""Retrofit or replace, for one machine: every factor editable and prefilled, the result, and
the method with each factor's source. The same core as the API (`maintenance.retrofit`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.equipment.models import Machine
from maillage.maintenance import retrofit
from maillage.maintenance.forms.plans import RetrofitForm, show_errors
from maillage.maintenance.models import InterventionKind, PartMaterial, PartReplaced
from maillage.maintenance.queries import plans as queries
from maillage.maintenance.views.plans import _machine

DEFAULTS = Path(__file__).resolve().parent.parent / "data" / "retrofit_defaults.json"


@cache
def defaults() -> dict[str, Any]:
    with DEFAULTS.open(encoding="utf-8") as handle:
        return dict(json.load(handle))


@dataclass(frozen=True)
class Prefill:
    initial: dict[str, Any]
    new_parts: list[retrofit.Part]
    retrofit_parts: list[retrofit.Part]
    parts_recorded: bool
    hours_per_year: float
    hours_recorded: bool
    power_kw: float


def _retrofit_parts(machine: Machine) -> list[retrofit.Part]:
    rows = PartReplaced.objects.filter(
        intervention__machine=machine, intervention__kind=InterventionKind.RETROFIT
    ).values_list("material", "mass_kg")
    return [retrofit.Part(material, float(mass)) for material, mass in rows]


def prefill(machine: Machine) -> Prefill:
    """The machine's own figures where it has them, the defaults file elsewhere."""
    base = defaults()
    factors = retrofit.load_factors()
    new_parts = [
        retrofit.Part(material, base["new_mass_kg"] * share)
        for material, share in base["new_mix"].items()
    ]
    recorded = _retrofit_parts(machine)
    parts = recorded or [retrofit.Part(p["material"], p["mass_kg"]) for p in base["retrofit_parts"]]
    used = queries.machine_reliability(machine).operating_hours
    hours = used if used > 0 else float(base["hours_per_year"])
    power = float(machine.power_kw or base["default_power_kw"])
    kwh = round(power * hours * base["load_factor"])
    initial = {
        "new_price": base["new_price"],
        "new_life_years": base["new_life_years"],
        "retrofit_price": base["retrofit_price"],
        "retrofit_life_years": base["retrofit_life_years"],
        "discount_rate": base["discount_rate_percent"],
        "new_embodied_kgco2e": round(retrofit.embodied_kgco2e(new_parts, factors)),
        "retrofit_embodied_kgco2e": round(retrofit.embodied_kgco2e(parts, factors)),
        "new_kwh_per_year": round(kwh * (1 - base["new_energy_saving"])),
        "retrofit_kwh_per_year": kwh,
        "grid_kgco2e_per_kwh": Decimal(str(retrofit.GRID_KGCO2E_PER_KWH)),
        "horizon_years": base["horizon_years"],
    }
    return Prefill(initial, new_parts, parts, bool(recorded), hours, used > 0, power)


def _compare(form: RetrofitForm) -> retrofit.Comparison | None:
    if not form.is_valid():
        return None
    try:
        return retrofit.compare_retrofit_replace(**form.factors())
    except ValueError as exc:
        field = str(exc).split(" ", 1)[0]
        show_errors(form, ValidationError({field: _positive_message(str(exc))}))
        return None


def _positive_message(text: str) -> str:
    if "must be positive" in text:
        return _("Give a number above zero.")
    if "must be at most" in text:
        return _("This figure is beyond any machine: check its unit.")
    return _("Give a number, zero or more.")


@login_required
def retrofit_or_replace(request: HttpRequest, machine_id: int) -> HttpResponse:
    """A GET form: the figures come back in the address, so a comparison can be shared."""
    machine = _machine(request, machine_id)
    start = prefill(machine)
    submitted = "new_price" in request.GET
    form = RetrofitForm(request.GET if submitted else None, initial=start.initial)
    result = _compare(form) if submitted else _compare(RetrofitForm(start.initial))
    factors = retrofit.load_factors()
    return render(
        request,
        "maintenance/retrofit.html",
        {
            "machine": machine,
            "form": form,
            "result": result,
            "start": start,
            "factors": factors.rows(),
            "grid_source": retrofit.GRID_SOURCE,
            "grid_default": retrofit.GRID_KGCO2E_PER_KWH,
            "new_mass_kg": defaults()["new_mass_kg"],
            "material_labels": dict(_material_labels()),
        },
        status=400 if submitted and result is None else 200,
    )


def _material_labels() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in PartMaterial.choices]

"""Waste heat: declare, update and close sources and sinks; create and update studies.

A declaration belongs to its organisation: its active members and the coordinators write it.
A study is made by a coordinator or a member of the source's organisation, and only over
declarations whose power the author may read (a study's figures would reveal it otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.locks import lock
from maillage.core.validators import MAX_ROW_ID
from maillage.directory import permissions
from maillage.directory.models import Organisation, Site, User
from maillage.symbiosis import heat
from maillage.symbiosis.actions.declarations import save_open_declaration
from maillage.symbiosis.models import (
    DeclarationState,
    HeatDeclaration,
    HeatKind,
    HeatMedium,
    HeatStudy,
    Visibility,
)
from maillage.symbiosis.queries.heat import can_read_quantity

MAX_TEMPERATURE_C = 1500.0
MAX_POWER_KW = 1_000_000.0
MAX_ROUTE_M = 100_000.0


def check_can_declare(actor: User, organisation: Organisation) -> None:
    if not permissions.can_edit_sites(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members can declare its heat."))


@dataclass(frozen=True)
class HeatInput:
    kind: str
    title: str
    medium: str
    temperature_c: object
    power_kw: object
    hours_per_year: object
    site_id: int | None = None
    return_temperature_c: object = None
    monthly_profile: Sequence[object] | None = None
    quantity_visibility: str = Visibility.COUNTERPART
    site_visibility: str = Visibility.COUNTERPART
    # Instead of the power: the mass flow and its temperature drop (Q = ṁ · cp · ΔT).
    mass_flow_kg_s: object = None
    delta_t_k: object = None


def _float(value: object, field: str, errors: dict[str, str], low: float, high: float) -> float:
    try:
        number = float(str(value).replace(",", ".").strip())
    except (TypeError, ValueError):
        errors[field] = _("Give a number.")
        return 0.0
    if not math.isfinite(number) or number < low or number > high:
        errors[field] = _("Give a number between %(low)s and %(high)s.") % {
            "low": f"{low:g}",
            "high": f"{high:g}",
        }
    return number


def _profile(value: Sequence[object] | None, errors: dict[str, str]) -> list[float] | None:
    if value is None or len(value) == 0:
        return None
    shares: list[float] = []
    try:
        shares = [float(str(share).replace(",", ".")) for share in value]
    except ValueError:
        errors["monthly_profile"] = _("Give twelve numbers, January first.")
        return None
    if len(shares) != 12 or any(not math.isfinite(s) or s < 0 for s in shares):
        errors["monthly_profile"] = _("Give twelve numbers, zero or more, January first.")
        return None
    total = sum(shares)
    if total <= 0:
        errors["monthly_profile"] = _("The monthly profile cannot be all zero.")
        return None
    return [share / total for share in shares]


def _site(organisation: Organisation, site_id: int | None, errors: dict[str, str]) -> Site | None:
    sites = Site.objects.filter(organisation=organisation).select_related("commune")
    if site_id is not None:
        site = sites.filter(pk=site_id).first()
        if site is None:
            errors["site"] = _("This site does not belong to the organisation.")
            return None
    else:
        site = sites.order_by("-is_main", "pk").first()
        if site is None:
            errors["site"] = _("The organisation has no site to declare heat at.")
            return None
    no_position = site.latitude is None or site.longitude is None
    if no_position and not site.commune_id:
        errors["site"] = _("This site has no position nor commune: add one first.")
    return site


def _choices(data: HeatInput, errors: dict[str, str]) -> None:
    if data.kind not in HeatKind.values:
        errors["kind"] = _("Choose source or sink.")
    if data.medium not in HeatMedium.values:
        errors["medium"] = _("Choose a medium.")
    for field, level in (
        ("quantity_visibility", data.quantity_visibility),
        ("site_visibility", data.site_visibility),
    ):
        if level not in Visibility.values:
            errors[field] = _("Choose who may see it.")


def _power(data: HeatInput, errors: dict[str, str]) -> float:
    """The power given, else the one of the mass flow and temperature drop given."""
    if data.power_kw not in (None, ""):
        return _float(data.power_kw, "power_kw", errors, 0, MAX_POWER_KW)
    if data.mass_flow_kg_s in (None, "") or data.delta_t_k in (None, ""):
        errors["power_kw"] = _("Give the power, or the mass flow and its temperature drop.")
        return 0.0
    flow = _float(data.mass_flow_kg_s, "mass_flow_kg_s", errors, 0, 100_000)
    drop = _float(data.delta_t_k, "delta_t_k", errors, 0, MAX_TEMPERATURE_C)
    if "mass_flow_kg_s" in errors or "delta_t_k" in errors:
        return 0.0
    power = heat.power_from_flow_kw(flow, drop, data.medium)
    if power > MAX_POWER_KW:
        errors["power_kw"] = _("Give a number between %(low)s and %(high)s.") % {
            "low": "0",
            "high": f"{MAX_POWER_KW:g}",
        }
    return power


def _quantities(data: HeatInput, errors: dict[str, str]) -> dict:
    temperature = _float(data.temperature_c, "temperature_c", errors, -50, MAX_TEMPERATURE_C)
    back = None
    if data.return_temperature_c not in (None, ""):
        back = _float(data.return_temperature_c, "return_temperature_c", errors, -50, 1500)
        both = "return_temperature_c" not in errors and "temperature_c" not in errors
        if both and data.kind == HeatKind.SINK and back >= temperature:
            errors["return_temperature_c"] = _(
                "The return must be colder than the supply temperature."
            )
    power = _power(data, errors)
    if "power_kw" not in errors and power <= 0:
        errors["power_kw"] = _("The power must be more than 0 kW.")
    hours = _float(data.hours_per_year, "hours_per_year", errors, 1, 8784)
    if "hours_per_year" not in errors and hours != int(hours):
        errors["hours_per_year"] = _("Give a whole number of hours.")
    return {
        "temperature_c": temperature,
        "return_temperature_c": back,
        "power_kw": power,
        "hours_per_year": int(hours),
        "monthly_profile": _profile(data.monthly_profile, errors),
    }


def _clean(organisation: Organisation, data: HeatInput) -> dict:
    errors: dict[str, str] = {}
    title = data.title.strip()
    if not title:
        errors["title"] = _("Give the declaration a title.")
    _choices(data, errors)
    quantities = _quantities(data, errors)
    site = _site(organisation, data.site_id, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "title": title[:200],
        "medium": data.medium,
        "site": site,
        "quantity_visibility": data.quantity_visibility,
        "site_visibility": data.site_visibility,
        **quantities,
    }


def declare_heat(actor: User, organisation: Organisation, data: HeatInput) -> HeatDeclaration:
    check_can_declare(actor, organisation)
    values = _clean(organisation, data)
    return HeatDeclaration.objects.create(organisation=organisation, created_by=actor, **values)


def update_heat(actor: User, declaration: HeatDeclaration, data: HeatInput) -> HeatDeclaration:
    check_can_declare(actor, declaration.organisation)
    values = _clean(declaration.organisation, data)
    return save_open_declaration(declaration, values)


def close_heat(actor: User, declaration: HeatDeclaration) -> HeatDeclaration:
    check_can_declare(actor, declaration.organisation)
    with transaction.atomic():
        current = lock(declaration)
        if current is None:
            raise ValidationError(_("This declaration no longer exists."))
        if current.state == DeclarationState.CLOSED:
            raise ValidationError(_("This declaration is already closed."))
        current.state = DeclarationState.CLOSED
        current.save(update_fields=["state", "updated_at"])
    return current


@dataclass(frozen=True)
class StudyInput:
    name: str
    source_id: object
    sink_ids: Sequence[object]
    route_length_m: object = None
    pipe_dn: object = None


def check_can_study(actor: User, source: HeatDeclaration) -> None:
    if not (
        permissions.is_coordinator(actor)
        or permissions.membership_of(actor, source.organisation) is not None
    ):
        raise PermissionDenied(
            _("Only coordinators and the source's organisation can study this source.")
        )


def clean_study(actor: User, data: StudyInput) -> dict:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the study a name.")
    active = HeatDeclaration.objects.exclude(state=DeclarationState.CLOSED).select_related(
        "organisation"
    )
    source_id = _int(data.source_id)
    source = None
    if source_id is not None:
        source = active.filter(pk=source_id, kind=HeatKind.SOURCE).first()
    if source is None:
        errors["source"] = _("Choose an open heat source.")
    given = [_int(value) for value in data.sink_ids]
    sink_ids = {value for value in given if value is not None}
    sinks = list(active.filter(pk__in=sink_ids, kind=HeatKind.SINK))
    if not sinks or len(sinks) != len(sink_ids) or None in given:
        errors["sinks"] = _("Choose one or more open heat sinks.")
    hidden = [d for d in [source, *sinks] if d is not None and not can_read_quantity(actor, d)]
    if hidden:
        errors["sinks"] = _("You may not read the power and exact site of: %(titles)s.") % {
            "titles": ", ".join(d.title for d in hidden)
        }
    route = None
    if data.route_length_m not in (None, ""):
        route = _float(data.route_length_m, "route_length_m", errors, 1, MAX_ROUTE_M)
    dn = None
    if data.pipe_dn not in (None, ""):
        dn = _int(data.pipe_dn)
        if dn not in {pipe.dn for pipe in heat.pipe_table()}:
            errors["pipe_dn"] = _("Choose a nominal diameter of the table.")
    if errors:
        raise ValidationError(errors)
    assert source is not None
    return {"name": name[:200], "source": source, "sinks": sinks, "route": route, "dn": dn}


def _int(value: object) -> int | None:
    """A row id, or None for anything no table can hold."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ROW_ID else None


def create_study(actor: User, data: StudyInput) -> HeatStudy:
    values = clean_study(actor, data)
    check_can_study(actor, values["source"])
    with transaction.atomic():
        study = HeatStudy.objects.create(
            name=values["name"],
            source=values["source"],
            route_length_m=values["route"],
            pipe_dn=values["dn"],
            created_by=actor,
        )
        study.sinks.set(values["sinks"])
    return study


def update_study(actor: User, study: HeatStudy, data: StudyInput) -> HeatStudy:
    check_can_study(actor, study.source)
    values = clean_study(actor, data)
    check_can_study(actor, values["source"])
    with transaction.atomic():
        current = lock(study)
        if current is None:
            raise ValidationError(_("This study no longer exists."))
        # Another client may have moved the study to a source this actor may not study.
        check_can_study(actor, current.source)
        current.name = values["name"]
        current.source = values["source"]
        current.route_length_m = values["route"]
        current.pipe_dn = values["dn"]
        current.save()
        current.sinks.set(values["sinks"])
    return current

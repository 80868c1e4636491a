"""Waste heat API: sources and sinks as the caller may read them, declaring, and the figures of
a pre-feasibility study. The same rule as the pages: private values only to who may read them,
a coordinator's reads logged with the channel "api"."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from maillage.core.validators import MAX_ROW_ID
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Organisation
from maillage.symbiosis import heat
from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import HeatStudy, Visibility
from maillage.symbiosis.queries import heat as queries
from maillage.symbiosis.queries.heat import HeatRow

router = Router(tags=["symbiosis"])

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


def _row_id(value: int) -> int:
    """A path id no table can hold names nothing: 404 (SQLite refuses to compare it)."""
    if not 0 < value <= MAX_ROW_ID:
        raise Http404
    return value


class HeatDeclarationOut(Schema):
    id: int
    kind: str = Field(..., description="source or sink")
    title: str
    organisation: str
    medium: str
    temperature_c: float = Field(..., description="Source: its temperature; sink: supply needed")
    return_temperature_c: float | None
    commune: str
    state: str
    energy_mwh_min: float = Field(..., description="Public order of magnitude, MWh/yr")
    energy_mwh_max: float
    power_kw: float | None = Field(None, description="None when the caller may not read it")
    hours_per_year: int | None = None
    energy_mwh: float | None = None
    monthly_profile: list[float] | None = None
    site: str | None = Field(None, description="None when the caller may not read it")
    latitude: float | None = Field(None, description="The site, else the commune's centre")
    longitude: float | None = None
    exact_position: bool


class HeatDeclarationIn(Schema):
    organisation_id: RowId
    kind: str = Field(..., description="source or sink")
    title: str = Field(..., max_length=200)
    medium: str = Field("water", description="water, steam, air, flue_gas or oil")
    temperature_c: float
    return_temperature_c: float | None = None
    power_kw: float | None = Field(None, description="kW; or give mass_flow_kg_s and delta_t_k")
    mass_flow_kg_s: float | None = Field(None, description="kg/s, with delta_t_k: Q = ṁ·cp·ΔT")
    delta_t_k: float | None = None
    hours_per_year: int
    site_id: RowId | None = Field(None, description="The organisation's main site by default")
    monthly_profile: list[float] | None = Field(None, description="Twelve shares, January first")
    quantity_visibility: str = Visibility.COUNTERPART
    site_visibility: str = Visibility.COUNTERPART


class HeatStudyIn(Schema):
    source_id: RowId
    sink_ids: list[RowId] = Field(..., max_length=50)
    route_length_m: float | None = Field(None, description="Drawn length; none: straight × 1.3")
    pipe_dn: int | None = Field(None, description="None: chosen from the peak power")


class HeatStudyPatchIn(Schema):
    name: str | None = Field(None, max_length=200)
    source_id: RowId | None = None
    sink_ids: list[RowId] | None = Field(None, max_length=50)
    route_length_m: float | None = Field(None, description="Drawn length; null: straight × 1.3")
    pipe_dn: int | None = Field(None, description="null: chosen from the peak power")


class HeatFactorOut(Schema):
    name: str
    value: str
    source: str


class HeatStudyOut(Schema):
    temperature_mode: str = Field(..., description="direct, heat_pump or infeasible")
    approach_k: float
    cop: float | None
    source_mwh: float
    demand_mwh: float
    delivered_mwh: float
    route_m: float
    route_drawn: bool
    pipe_dn: int
    peak_kw: float
    velocity_m_s: float
    losses_mwh: float
    losses_share: float
    heat_pump_electricity_mwh: float
    pumping_electricity_mwh: float
    density_mwh_per_m: float = Field(..., description="MWh delivered per metre per year")
    density_threshold: float = heat.ADEME_DENSITY_THRESHOLD
    cost_eur: float
    co2_avoided_t: float = Field(..., description="t CO2e/yr, direct emissions of gas")
    co2_avoided_life_cycle_t: float
    verdict: str = Field(..., description="viable, below_threshold or infeasible")
    monthly_delivered_mwh: list[float]
    factors: list[HeatFactorOut]


def _out(row: HeatRow) -> dict[str, Any]:
    d = row.declaration
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "organisation": d.organisation.name,
        "medium": d.medium,
        "temperature_c": d.temperature_c,
        "return_temperature_c": d.return_temperature_c,
        "commune": row.commune,
        "state": d.state,
        "energy_mwh_min": row.magnitude_mwh[0],
        "energy_mwh_max": row.magnitude_mwh[1],
        "power_kw": row.power_kw,
        "hours_per_year": row.hours_per_year,
        "energy_mwh": row.energy_mwh,
        "monthly_profile": row.monthly_profile,
        "site": row.site_name,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "exact_position": row.exact_position,
    }


def _study_out(result: heat.Prefeasibility) -> dict[str, Any]:
    return {
        "temperature_mode": result.temperature.mode,
        "approach_k": result.temperature.approach_k,
        "cop": result.temperature.cop,
        "source_mwh": result.source_mwh,
        "demand_mwh": result.demand_mwh,
        "delivered_mwh": result.delivered_mwh,
        "route_m": result.route_m,
        "route_drawn": result.route_drawn,
        "pipe_dn": result.pipe.dn,
        "peak_kw": result.peak_kw,
        "velocity_m_s": result.velocity_m_s,
        "losses_mwh": result.losses_mwh,
        "losses_share": result.losses_share,
        "heat_pump_electricity_mwh": result.heat_pump_electricity_mwh,
        "pumping_electricity_mwh": result.pumping_electricity_mwh,
        "density_mwh_per_m": result.density_mwh_per_m,
        "cost_eur": result.cost_eur,
        "co2_avoided_t": result.co2_avoided_t,
        "co2_avoided_life_cycle_t": result.co2_avoided_life_cycle_t,
        "verdict": result.verdict,
        "monthly_delivered_mwh": result.monthly_delivered_mwh,
        "factors": [{"name": n, "value": v, "source": s} for n, v, s in queries.factors()],
    }


@router.get(
    "/symbiosis/heat",
    response=list[HeatDeclarationOut],
    summary="Open heat sources and sinks, private values only where the caller may read them",
)
def list_heat(request: HttpRequest, kind: str = "") -> Any:
    found = queries.open_declarations()
    if kind:
        found = found.filter(kind=kind)
    user = request_user(request)
    return [_out(row) for row in queries.readable_rows(user, found, "api", request.path)]


@router.get(
    "/symbiosis/heat/{declaration_id}",
    response=HeatDeclarationOut,
    summary="One heat source or sink",
)
def get_heat(request: HttpRequest, declaration_id: int) -> Any:
    user = request_user(request)
    declaration = get_object_or_404(queries.declarations(), pk=_row_id(declaration_id))
    if not queries.visible_declaration(user, declaration):
        raise PermissionDenied("This declaration is closed.")
    [row] = queries.readable_rows(user, [declaration], "api", request.path)
    return _out(row)


@router.post(
    "/symbiosis/heat",
    response={201: HeatDeclarationOut},
    auth=WRITE_AUTH,
    summary="Declare a heat source or sink for one's organisation",
)
def create_heat(request: HttpRequest, payload: HeatDeclarationIn) -> Any:
    user = request_user(request)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation_id": "Unknown organisation."})
    data = payload.dict()
    data.pop("organisation_id")
    declaration = actions.declare_heat(user, organisation, actions.HeatInput(**data))
    declaration = queries.declarations().get(pk=declaration.pk)
    [row] = queries.readable_rows(user, [declaration], "api", request.path)
    return Status(201, _out(row))


@router.post(
    "/symbiosis/heat/studies/compute",
    response=HeatStudyOut,
    auth=WRITE_AUTH,
    summary="Pre-feasibility of a source feeding sinks, without saving it",
)
def compute_study(request: HttpRequest, payload: HeatStudyIn) -> Any:
    user = request_user(request)
    data = actions.StudyInput(
        name="api",
        source_id=payload.source_id,
        sink_ids=payload.sink_ids,
        route_length_m=payload.route_length_m,
        pipe_dn=payload.pipe_dn,
    )
    values = actions.clean_study(user, data)
    actions.check_can_study(user, values["source"])
    ends = [values["source"], *values["sinks"]]
    queries.readable_rows(user, ends, "api", request.path)  # logs a coordinator's reads
    result = heat.prefeasibility(
        queries.end_of(values["source"]),
        [queries.end_of(sink) for sink in values["sinks"]],
        route_m=values["route"],
        pipe_dn=values["dn"],
    )
    return _study_out(result)


@router.get(
    "/symbiosis/heat/studies/{study_id}",
    response=HeatStudyOut,
    auth=WRITE_AUTH,
    summary="The figures of a saved study",
)
def get_study(request: HttpRequest, study_id: int) -> Any:
    study = get_object_or_404(HeatStudy.objects.select_related("source"), pk=_row_id(study_id))
    view = queries.study_figures(request_user(request), study, "api", request.path)
    return _study_out(view.result)


# The action names the form's fields; the body names them so.
BODY_FIELDS = {"source": "source_id", "sinks": "sink_ids"}


def _named_as_in_the_body(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {BODY_FIELDS.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


class HeatStudySavedOut(HeatStudyOut):
    id: int
    name: str
    source_id: int
    sink_ids: list[int]
    route_length_m: float | None = Field(None, description="The drawn length; null: estimated")


@router.patch(
    "/symbiosis/heat/studies/{study_id}",
    response=HeatStudySavedOut,
    auth=WRITE_AUTH,
    summary="Change a saved study; a field left out keeps its value, null clears the route or DN",
)
def update_study(request: HttpRequest, study_id: int, payload: HeatStudyPatchIn) -> Any:
    user = request_user(request)
    study = get_object_or_404(
        HeatStudy.objects.select_related("source__organisation"), pk=_row_id(study_id)
    )
    actions.check_can_study(user, study.source)
    given = payload.dict(exclude_unset=True)
    for field in ("name", "source_id", "sink_ids"):
        if field in given and given[field] is None:
            raise ValidationError({field: "This field cannot be null."})
    data = actions.StudyInput(
        name=given.get("name", study.name),
        source_id=given.get("source_id", study.source_id),
        sink_ids=given.get("sink_ids", list(study.sinks.values_list("pk", flat=True))),
        route_length_m=given.get("route_length_m", study.route_length_m),
        pipe_dn=given.get("pipe_dn", study.pipe_dn),
    )
    try:
        saved = actions.update_study(user, study, data)
    except ValidationError as exc:
        raise _named_as_in_the_body(exc) from exc
    saved = HeatStudy.objects.select_related("source").get(pk=saved.pk)
    view = queries.study_figures(user, saved, "api", request.path)
    return {
        **_study_out(view.result),
        "id": saved.pk,
        "name": saved.name,
        "source_id": saved.source_id,
        "sink_ids": sorted(saved.sinks.values_list("pk", flat=True)),
        "route_length_m": saved.route_length_m,
    }

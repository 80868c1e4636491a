"""Equipment endpoints under /api/v1/: the process taxonomy and machines.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from maillage.core.mapgrid import bbox_param
from maillage.core.pagination import Pagination
from maillage.directory import permissions
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Membership, MembershipState
from maillage.directory.queries import visible_organisations
from maillage.equipment import actions, queries
from maillage.equipment.geojson import machines_geojson
from maillage.equipment.models import Machine, Process

router = Router(tags=["equipment"])


class ProcessOut(Schema):
    code: str
    parent: str | None = Field(None, alias="parent.code")
    label_fr: str
    label_en: str
    depth: int
    wikidata: str
    fablabs_key: str


class MachineOut(Schema):
    id: int
    name: str
    make: str
    model: str
    serial_number: str | None = Field(None, description="Only for the owner's members")
    year: int | None
    organisation: str = Field(..., alias="organisation.slug")
    site: int = Field(..., alias="site_id")
    processes: list[str]
    materials: list[str] = Field(..., alias="material_codes")
    envelope_x_mm: float | None
    envelope_y_mm: float | None
    envelope_z_mm: float | None
    max_part_mass_kg: float | None
    power_kw: float | None
    computer_controlled: bool
    tolerance_class: str
    condition: str
    status: str
    notes: str
    url: str = Field(..., alias="get_absolute_url")
    updated_at: datetime

    @staticmethod
    def resolve_processes(obj: Machine) -> list[str]:
        return sorted(p.code for p in obj.processes.all())

    @staticmethod
    def resolve_serial_number(obj: Machine, context: Any) -> str | None:
        if obj.organisation_id in _editable_organisations(context["request"]):
            return obj.serial_number
        return None


def _editable_organisations(request: HttpRequest) -> set[int] | Any:
    """Organisations whose private machine data this caller sees, computed once per request."""
    cached = getattr(request, "_maillage_editable_orgs", None)
    if cached is None:
        user = request_user(request)
        if permissions.is_coordinator(user):
            cached = _Everything()
        elif user.is_authenticated:
            cached = set(
                Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
                    "organisation_id", flat=True
                )
            )
        else:
            cached = set()
        request._maillage_editable_orgs = cached  # type: ignore[attr-defined]
    return cached


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


class MachineIn(Schema):
    name: str
    site_id: int | None = Field(None, description="Defaults to the organisation's main site")
    make: str = ""
    model: str = ""
    serial_number: str = ""
    year: int | None = None
    process_codes: list[str] = Field(..., description="Codes of the process taxonomy")
    materials: list[str] = []
    envelope_x_mm: float | None = None
    envelope_y_mm: float | None = None
    envelope_z_mm: float | None = None
    max_part_mass_kg: float | None = None
    power_kw: float | None = None
    computer_controlled: bool = False
    tolerance_class: str = ""
    condition: str = "good"
    status: str = "operational"
    notes: str = ""


# MachinePatch fields whose null means "none": the rest keep their value when sent null.
_CLEARABLE = {"year", *actions.CAPACITY_FIELDS}


class MachinePatch(Schema):
    name: str | None = None
    site_id: int | None = None
    make: str | None = None
    model: str | None = None
    serial_number: str | None = None
    year: int | None = None
    process_codes: list[str] | None = None
    materials: list[str] | None = None
    envelope_x_mm: float | None = None
    envelope_y_mm: float | None = None
    envelope_z_mm: float | None = None
    max_part_mass_kg: float | None = None
    power_kw: float | None = None
    computer_controlled: bool | None = None
    tolerance_class: str | None = None
    condition: str | None = None
    status: str | None = None
    notes: str | None = None


class MachineFilterParams(Schema):
    q: str = ""
    process: str = Field("", description="Process code; its descendants match too")
    material: str = ""
    min_x: str = Field("", description="Work envelope at least this X, in mm")
    min_y: str = ""
    min_z: str = ""
    dept: str = ""
    kind: str = Field("", description="Kind of the owning organisation")
    status: str = Field("", description="Default: every status but retired")
    organisation: str = Field("", description="Slug of the owning organisation")


def _machines(request: HttpRequest) -> Any:
    return (
        queries.visible_machines(request_user(request))
        .select_related("organisation")
        .prefetch_related("processes", "materials")
    )


def _machine_for(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(_machines(request), pk=machine_id)
    return machine


def machine_input(machine: Machine) -> actions.MachineInput:
    """The machine as it stands, as an input to patch."""
    return actions.MachineInput.from_machine(machine)


@router.get("/processes", response=list[ProcessOut], summary="The capability taxonomy")
def list_processes(request: HttpRequest) -> Any:
    return Process.objects.select_related("parent")


@router.get("/machines", response=list[MachineOut])
@paginate(Pagination)
def list_machines(request: HttpRequest, filters: Query[MachineFilterParams]) -> Any:
    parsed = queries.MachineFilters.from_params(filters.dict())
    return queries.filter_machines(_machines(request), parsed).order_by("name", "pk")


@router.get("/machines/{machine_id}", response=MachineOut)
def get_machine(request: HttpRequest, machine_id: int) -> Any:
    return _machine_for(request, machine_id)


@router.post("/organisations/{slug}/machines", response={201: MachineOut}, auth=WRITE_AUTH)
def create_machine(request: HttpRequest, slug: str, payload: MachineIn) -> Any:
    organisation = get_object_or_404(visible_organisations(request_user(request)), slug=slug)
    machine = actions.create_machine(
        request_user(request), organisation, actions.MachineInput(**payload.dict())
    )
    return Status(201, _machine_for(request, machine.pk))


@router.patch("/machines/{machine_id}", response=MachineOut, auth=WRITE_AUTH)
def update_machine(request: HttpRequest, machine_id: int, payload: MachinePatch) -> Any:
    machine = _machine_for(request, machine_id)
    current = machine_input(machine)
    for key, value in payload.dict(exclude_unset=True).items():
        # null clears an optional measure; on a field that cannot be empty it changes nothing.
        if value is not None or key in _CLEARABLE:
            setattr(current, key, value)
    actions.update_machine(request_user(request), machine, current)
    return _machine_for(request, machine_id)


@router.delete("/machines/{machine_id}", response={204: None}, auth=WRITE_AUTH)
def delete_machine(request: HttpRequest, machine_id: int) -> Any:
    actions.delete_machine(request_user(request), _machine_for(request, machine_id))
    return Status(204, None)


@router.get("/machines.geojson", summary="Public machines in a bounding box, grouped by site")
def machines_layer(
    request: HttpRequest,
    filters: Query[MachineFilterParams],
    bbox: str = Query(..., description="west,south,east,north in degrees"),
) -> Any:
    box = bbox_param(bbox)
    parsed = queries.MachineFilters.from_params(filters.dict())
    return machines_geojson(box, parsed, settings.MAP_MAX_POINTS)

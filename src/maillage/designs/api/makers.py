"""Designs endpoints under /api/v1/: who can make a design near a place (per part, and the
share made within reach), its parts turned into needs, and its builds.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from maillage.core.validators import MAX_ROW_ID
from maillage.designs.actions.builds import BuildInput, record_build
from maillage.designs.actions.makers import parts_into_needs
from maillage.designs.makeable import percent
from maillage.designs.models import Build
from maillage.designs.queries import builds as build_queries
from maillage.designs.queries.designs import visible_designs
from maillage.designs.queries.makers import DEFAULT_RADIUS_KM, Place, default_place, who_can_make
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Organisation

router = Router(tags=["designs"])


class PlaceIn(Schema):
    commune: str = Field("", description="Commune or postal code; empty: the caller's site")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    max_km: float = Field(DEFAULT_RADIUS_KM, gt=0, le=500, description="Radius, km")


class MakerOut(Schema):
    machine_id: int
    machine: str
    organisation: str
    organisation_url: str
    city: str
    distance_km: float
    book_url: str


class MakerProcessOut(Schema):
    process: str = Field(..., description="Code of the process taxonomy")
    label: str
    machines: list[MakerOut]
    unmet_reason: str = Field("", description="Matching's reason code when nothing fits")
    unmet_label: str = ""
    nearest_km: float | None = None


class MakerPartOut(Schema):
    id: int
    name: str
    quantity: int
    material: str
    mass_g: float | None
    makeable: bool
    problem: str
    processes: list[MakerProcessOut]


class ShareOut(Schema):
    pieces_to_make: int
    pieces_makeable: int
    by_count_percent: int | None = Field(None, description="None when there is nothing to make")
    mass_to_make_g: float
    mass_makeable_g: float
    by_mass_percent: int | None = Field(None, description="None when no mass is known")
    parts_without_mass: int


class MakersOut(Schema):
    design: str
    place: str
    latitude: float
    longitude: float
    max_km: float
    parts: list[MakerPartOut]
    bought: list[str]
    share: ShareOut


def _place(request: HttpRequest, data: PlaceIn) -> Place:
    if data.latitude is not None and data.longitude is not None:
        return Place(latitude=data.latitude, longitude=data.longitude)
    if data.commune.strip():
        return Place(commune=data.commune.strip())
    return default_place(request_user(request))


def _makers_out(answer: Any) -> dict[str, Any]:
    share = answer.share
    return {
        "design": answer.design.slug,
        "place": answer.place.label or answer.place.commune,
        "latitude": answer.latitude,
        "longitude": answer.longitude,
        "max_km": answer.radius_km,
        "bought": [p.name for p in answer.bought],
        "share": {
            "pieces_to_make": share.pieces_to_make,
            "pieces_makeable": share.pieces_makeable,
            "by_count_percent": percent(share.by_count),
            "mass_to_make_g": share.mass_to_make_g,
            "mass_makeable_g": share.mass_makeable_g,
            "by_mass_percent": percent(share.by_mass),
            "parts_without_mass": share.parts_without_mass,
        },
        "parts": [
            {
                "id": a.part.pk,
                "name": a.part.name,
                "quantity": a.part.quantity,
                "material": a.part.material,
                "mass_g": a.part.mass_g,
                "makeable": a.makeable,
                "problem": a.problem,
                "processes": [
                    {
                        "process": p.process.code,
                        "label": p.process.label,
                        "unmet_reason": p.reason,
                        "unmet_label": p.reason_label,
                        "nearest_km": p.nearest_km,
                        "machines": [
                            {
                                "machine_id": row.machine.pk,
                                "machine": row.machine.name,
                                "organisation": row.organisation.name,
                                "organisation_url": row.organisation.get_absolute_url(),
                                "city": row.site.city,
                                "distance_km": row.distance_km,
                                "book_url": row.book_url,
                            }
                            for row in p.machines
                        ],
                    }
                    for p in a.processes
                ],
            }
            for a in answer.parts
        ],
    }


@router.get(
    "/designs/{slug}/makers",
    response=MakersOut,
    summary="Who can make a design near a place, per part, and the share made within reach",
)
def design_makers(request: HttpRequest, slug: str, place: Query[PlaceIn]) -> Any:
    design = get_object_or_404(visible_designs(request_user(request)), slug=slug)
    where = _place(request, place)
    if not where.commune and where.latitude is None:
        where = Place(commune="")  # the action names the missing place
    return _makers_out(who_can_make(design, request_user(request), where, place.max_km))


class NeedsOut(Schema):
    need_ids: list[int]
    unmet: int = Field(..., description="How many of them nothing fits")


@router.post(
    "/designs/{slug}/makers/needs",
    response={201: NeedsOut},
    auth=WRITE_AUTH,
    summary="Turn the parts to make into needs (one per process of each part), all or none",
)
def design_needs(request: HttpRequest, slug: str, payload: PlaceIn) -> Any:
    design = get_object_or_404(visible_designs(request_user(request)), slug=slug)
    needs = parts_into_needs(
        request_user(request), design, _place(request, payload), payload.max_km
    )
    return Status(
        201,
        {"need_ids": [n.pk for n in needs], "unmet": sum(1 for n in needs if n.unmet_reason)},
    )


class BuildIn(Schema):
    organisation: int = Field(..., ge=1, le=MAX_ROW_ID, description="The organisation's id")
    title: str = Field(..., max_length=200)
    built_on: dt.date
    description: str = ""
    variations: str = ""
    is_public: bool = True


class BuildOut(Schema):
    id: int
    title: str
    organisation: str
    organisation_id: int
    commune: str
    built_on: dt.date
    description: str
    variations: str
    is_public: bool
    url: str
    photos: list[str]


def _build_out(build: Build) -> dict[str, Any]:
    return {
        "id": build.pk,
        "title": build.title,
        "organisation": build.organisation.name,
        "organisation_id": build.organisation_id,
        "commune": build_queries.build_commune(build),
        "built_on": build.built_on,
        "description": build.description,
        "variations": build.variations,
        "is_public": build.is_public,
        "url": build.get_absolute_url(),
        "photos": [p.get_absolute_url() for p in build.photos.all()],
    }


@router.get(
    "/designs/{slug}/builds",
    response=list[BuildOut],
    summary="Builds of a design the caller may see",
)
def design_builds(request: HttpRequest, slug: str) -> Any:
    design = get_object_or_404(visible_designs(request_user(request)), slug=slug)
    return [_build_out(b) for b in build_queries.builds_of_design(request_user(request), design)]


@router.post(
    "/designs/{slug}/builds",
    response={201: BuildOut},
    auth=WRITE_AUTH,
    summary="Record a build of a design (members of the organisation; photos on the page)",
)
def design_build_new(request: HttpRequest, slug: str, payload: BuildIn) -> Any:
    design = get_object_or_404(visible_designs(request_user(request)), slug=slug)
    organisation = get_object_or_404(Organisation, pk=payload.organisation)
    build = record_build(
        request_user(request),
        design,
        organisation,
        BuildInput(
            title=payload.title,
            built_on=payload.built_on,
            description=payload.description,
            variations=payload.variations,
            is_public=payload.is_public,
        ),
    )
    return Status(201, _build_out(build))

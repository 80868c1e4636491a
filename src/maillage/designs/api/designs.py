"""Designs API: the catalogue, a design with its parts and processes, importing an OKH manifest
(its TOML as the body, or a public address) and exporting it. Designs are public; importing
asks the same rights as the pages."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from maillage.core.validators import MAX_ROW_ID
from maillage.designs import okh
from maillage.designs.actions import okh as actions
from maillage.designs.models import Design, DesignPart
from maillage.designs.queries import designs as queries
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Organisation

router = Router(tags=["designs"])

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class DesignOut(Schema):
    slug: str
    name: str
    version: str
    function: str
    licence: str
    licensor: str
    repository: str
    organisation: str | None
    part_count: int


class DesignProcessOut(Schema):
    code: str
    label: str
    source: str = Field(..., description="manifest, or manual for a hand correction")


class DesignPartOut(Schema):
    name: str
    quantity: int
    tsdc: list[str]
    material: str
    material_family: str
    mass_g: float | None
    dimensions_mm: list[float] | None
    off_the_shelf: bool
    source_file: str
    processes: list[DesignProcessOut]


class DesignDetailOut(DesignOut):
    documentation_language: str
    image_url: str
    okh_version: str
    parts: list[DesignPartOut]


class ImportIn(Schema):
    organisation_id: RowId
    manifest: str | None = Field(None, max_length=1_000_000, description="The okh.toml text")
    url: str | None = Field(None, max_length=500, description="Or a public http(s) address")


class DesignErrorOut(Schema):
    # A sentence for a refused manifest or URL; the list of field errors for a malformed body.
    detail: Any
    field: str | None = None


def _design_out(design: Design, part_count: int) -> DesignOut:
    return DesignOut(
        slug=design.slug,
        name=design.name,
        version=design.version,
        function=design.function,
        licence=design.licence,
        licensor=design.licensor,
        repository=design.repository,
        organisation=design.organisation.name if design.organisation else None,
        part_count=part_count,
    )


def _part_out(part: DesignPart) -> DesignPartOut:
    size = [part.size_x_mm, part.size_y_mm, part.size_z_mm]
    return DesignPartOut(
        name=part.name,
        quantity=part.quantity,
        tsdc=part.tsdc.split(),
        material=part.material_text,
        material_family=part.material,
        mass_g=part.mass_g,
        dimensions_mm=None if None in size else [float(s) for s in size if s is not None],
        off_the_shelf=part.off_the_shelf,
        source_file=part.source_file,
        processes=[
            DesignProcessOut(code=item.process.code, label=item.process.label, source=item.source)
            for item in part.processes.all()
        ],
    )


@router.get("/designs/", response=list[DesignOut])
def list_designs(request: HttpRequest, q: str = "", licence: str = "") -> list[DesignOut]:
    designs = queries.catalogue(request_user(request), q[:100], licence[:120])[:500]
    return [_design_out(d, d.part_count) for d in designs]  # type: ignore[attr-defined]


def _detail(design: Design) -> DesignDetailOut:
    parts = list(design.parts.all())
    base = _design_out(design, len(parts)).dict()
    return DesignDetailOut(
        **base,
        documentation_language=design.documentation_language,
        image_url=design.image_url,
        okh_version=design.okh_version,
        parts=[_part_out(p) for p in parts],
    )


@router.get("/designs/{slug}/", response=DesignDetailOut)
def design_detail(request: HttpRequest, slug: str) -> DesignDetailOut:
    return _detail(
        get_object_or_404(
            queries.with_parts(queries.visible_designs(request_user(request))), slug=slug[:80]
        )
    )


@router.get("/designs/{slug}/okh.toml")
def export_design(request: HttpRequest, slug: str) -> HttpResponse:
    design = get_object_or_404(
        queries.with_parts(queries.visible_designs(request_user(request))), slug=slug[:80]
    )
    response = HttpResponse(
        okh.to_toml(queries.as_manifest(design)), content_type="application/toml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{design.slug}.okh.toml"'
    return response


@router.post(
    "/designs/",
    auth=WRITE_AUTH,
    response={201: DesignDetailOut, 403: DesignErrorOut, 422: DesignErrorOut},
)
def import_design(request: HttpRequest, payload: ImportIn) -> Status | DesignDetailOut:
    user = request_user(request)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        return Status(422, DesignErrorOut(detail="No such organisation.", field="organisation_id"))
    if bool(payload.manifest) == bool(payload.url):
        return Status(
            422,
            DesignErrorOut(
                detail="Give either the manifest text or its address.", field="manifest"
            ),
        )
    try:
        if payload.manifest:
            design = actions.import_manifest(user, organisation, payload.manifest.encode())
        else:
            design = actions.import_from_url(user, organisation, payload.url or "")
    except PermissionDenied as error:
        return Status(403, DesignErrorOut(detail=str(error) or "Forbidden."))
    except ValidationError as error:
        field = "url" if payload.url else "manifest"
        return Status(422, DesignErrorOut(detail=" ".join(error.messages), field=field))
    design = queries.with_parts(Design.objects.all()).get(pk=design.pk)
    return Status(201, _detail(design))

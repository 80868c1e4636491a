"""Directory endpoints under /api/v1/: organisations, sites and communes.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from maillage.directory import permissions, queries
from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.geocode import search_communes
from maillage.directory.models import Organisation, Site

router = Router(tags=["directory"])


class SiteOut(Schema):
    id: int
    name: str
    address: str
    postal_code: str
    commune_insee: str | None = Field(None, alias="commune.insee_code")
    city: str
    country: str
    department: str | None = Field(None, alias="department_id")
    latitude: float
    longitude: float
    is_main: bool


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    description: str
    website: str
    contact_email: str
    naf_code: str | None = Field(None, alias="naf.code")
    naf_version: str | None = Field(None, alias="naf.version")
    fields: list[str] = Field(..., alias="field_codes")
    status: str
    url: str = Field(..., alias="get_absolute_url")
    updated_at: datetime
    sites: list[SiteOut]


class SiteIn(Schema):
    name: str = ""
    address: str = ""
    postal_code: str = ""
    commune: str = Field("", description="Commune name, 'postal code + name' or INSEE code")
    country: str = "FR"
    latitude: float | None = None
    longitude: float | None = None
    is_main: bool = False


class SitePatch(Schema):
    name: str | None = None
    address: str | None = None
    postal_code: str | None = None
    commune: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    is_main: bool | None = None


class OrganisationIn(Schema):
    name: str
    kind: str
    description: str = ""
    website: str = ""
    contact_email: str = ""
    naf_code: str = ""
    fields: list[str] = []
    sites: list[SiteIn] = []


class OrganisationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    description: str | None = None
    website: str | None = None
    contact_email: str | None = None
    naf_code: str | None = None
    fields: list[str] | None = None


class CommuneOut(Schema):
    insee_code: str
    name: str
    department: str | None = Field(None, alias="department_id")
    postal_codes: list[str] = Field(..., alias="postal_code_list")
    latitude: float
    longitude: float


def _organisation_for(request: HttpRequest, slug: str) -> Organisation:
    """The organisation if this caller may see it; 404 otherwise, so pending ones stay hidden."""
    user = request_user(request)
    return get_object_or_404(
        queries.visible_organisations(user)
        .select_related("naf")
        .prefetch_related("fields", "sites__commune"),
        slug=slug,
    )


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request: HttpRequest, slug: str) -> Any:
    return _organisation_for(request, slug)


@router.post("/organisations", response={201: OrganisationOut}, auth=WRITE_AUTH)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    data = payload.dict()
    sites = [site_actions.SiteInput(**s) for s in data.pop("sites")]
    organisation = organisation_actions.create_organisation(
        request_user(request), organisation_actions.OrganisationInput(**data), sites
    )
    return Status(201, _organisation_for(request, organisation.slug))


@router.patch("/organisations/{slug}", response=OrganisationOut, auth=WRITE_AUTH)
def update_organisation(request: HttpRequest, slug: str, payload: OrganisationPatch) -> Any:
    organisation = _organisation_for(request, slug)
    current = organisation_actions.OrganisationInput.of(organisation)
    for key, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            setattr(current, key, value)
    organisation_actions.update_organisation(request_user(request), organisation, current)
    return _organisation_for(request, slug)


@router.get("/organisations/{slug}/sites", response=list[SiteOut])
def list_sites(request: HttpRequest, slug: str) -> Any:
    return list(_organisation_for(request, slug).sites.all())


@router.post("/organisations/{slug}/sites", response={201: SiteOut}, auth=WRITE_AUTH)
def create_site(request: HttpRequest, slug: str, payload: SiteIn) -> Any:
    organisation = _organisation_for(request, slug)
    site = site_actions.add_site(
        request_user(request), organisation, site_actions.SiteInput(**payload.dict())
    )
    return Status(201, site)


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: HttpRequest, site_id: int) -> Any:
    return _visible_site(request, site_id)


@router.patch("/sites/{site_id}", response=SiteOut, auth=WRITE_AUTH)
def update_site(request: HttpRequest, site_id: int, payload: SitePatch) -> Any:
    site = _visible_site(request, site_id)
    current = site_actions.SiteInput.of(site)
    changes = payload.dict(exclude_unset=True)
    if ("commune" in changes or "postal_code" in changes) and "latitude" not in changes:
        # A new place without new coordinates: locate it again from the commune.
        current.latitude = current.longitude = None
    for key, value in changes.items():
        # null clears the coordinates (the commune locates the site); elsewhere it changes nothing.
        if value is not None or key in ("latitude", "longitude"):
            setattr(current, key, value)
    return site_actions.update_site(request_user(request), site, current)


@router.delete("/sites/{site_id}", response={204: None}, auth=WRITE_AUTH)
def delete_site(request: HttpRequest, site_id: int) -> Any:
    site_actions.delete_site(request_user(request), _visible_site(request, site_id))
    return Status(204, None)


def _visible_site(request: HttpRequest, site_id: int) -> Site:
    site = get_object_or_404(Site.objects.select_related("organisation", "commune"), pk=site_id)
    if not permissions.can_view_organisation(request_user(request), site.organisation):
        raise Http404
    return site


@router.get("/communes", response=list[CommuneOut], summary="French communes for autocomplete")
def communes(request: HttpRequest, q: str = "") -> Any:
    if len(q.strip()) < 2:
        raise ValidationError({"q": _("Type at least two characters.")})
    return search_communes(q)

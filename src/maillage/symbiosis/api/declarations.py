"""Symbiosis API: resource declarations (offers and demands) and the List of Waste search.

Same confidentiality as the pages: a private field the caller may not read is null, the
public `quantity_magnitude` [low, high] and the commune stand in; coordinators' reads are
logged with the channel "api". Reads are open to everyone; writes need a token or a session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillage.core.validators import MAX_ROW_ID
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.queries import visible_organisations
from maillage.symbiosis.actions import declarations as actions
from maillage.symbiosis.models import ResourceDeclaration, Visibility
from maillage.symbiosis.queries import declarations as queries
from maillage.symbiosis.queries.visibility import audience_of

router = Router(tags=["symbiosis"])


class SymbiosisDeclarationOut(Schema):
    id: int
    organisation: int
    organisation_name: str
    direction: str = Field(..., description="offer (goes out) or demand (comes in)")
    state: str
    code: str | None = Field(None, description="European List of Waste entry, e.g. 03 01 05")
    code_description: str
    hazardous: bool = Field(..., description="Only an authorised receiver may take it")
    category: str
    title: str
    unit: str
    period: str
    months: list[int] = Field(..., description="Months of availability, 1 = January")
    packaging: str
    regulatory_status: str
    commune: str
    department: str
    quantity_magnitude: list[float] = Field(
        ..., description="Public order of magnitude of the maximum quantity: [low, high)"
    )
    quantity_min: Decimal | None = Field(None, description="Null when private to the caller")
    quantity_max: Decimal | None = None
    minimum_lot: Decimal | None = None
    price: Decimal | None = None
    current_cost: Decimal | None = None
    composition: str | None = None
    site: int | None = None
    site_name: str | None = None
    site_address: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    visibility: dict[str, str] = Field(..., description="Field group → public, coordinators…")
    readable: list[str] = Field(..., description="The private field groups the caller reads")
    updated_at: dt.datetime


class SymbiosisDeclarationPage(Schema):
    items: list[SymbiosisDeclarationOut]
    count: int


class SymbiosisDeclarationIn(Schema):
    site: int = Field(..., ge=1, le=MAX_ROW_ID, description="A site of the organisation")
    direction: str = Field(..., description="offer or demand")
    title: str = Field(..., max_length=200)
    code: str = Field("", description="Six-digit List of Waste entry; or give a category")
    category: str = ""
    quantity_min: Decimal
    quantity_max: Decimal
    unit: str = Field(..., description="t, kg, m3 or unit")
    period: str = Field(..., description="week, month or year")
    months: list[int] = Field(list(range(1, 13)), description="1 = January")
    minimum_lot: Decimal | None = None
    composition: str = Field("", max_length=5000)
    packaging: str = ""
    regulatory_status: str = Field(..., description="waste, by_product, end_of_waste, product")
    price: Decimal | None = None
    current_cost: Decimal | None = None
    quantity_visibility: str = Visibility.COUNTERPART
    price_visibility: str = Visibility.COUNTERPART
    composition_visibility: str = Visibility.COUNTERPART
    site_visibility: str = Visibility.COUNTERPART


class SymbiosisDeclarationCreateIn(SymbiosisDeclarationIn):
    organisation: str = Field(..., description="The declaring organisation's slug")


class SymbiosisStateIn(Schema):
    change: str = Field(..., description="pause, close or reopen")


class SymbiosisWasteCodeOut(Schema):
    code: str
    hazardous: bool
    entry_type: str
    description_fr: str
    description_en: str


class SymbiosisDeclarationFilters(Schema):
    direction: str = ""
    category: str = ""
    code: str = Field("", description="Code prefix, with or without spaces: 0201, 02 01 04")
    department: str = ""
    q: str = Field("", max_length=100, description="Words of the title, code or commune")
    limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.API_MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=settings.API_MAX_OFFSET)


class SymbiosisCodeQuery(Schema):
    q: str = Field("", max_length=100, description="Words, or a code with or without spaces")
    limit: int = Field(20, ge=1, le=100)


def _out(row: queries.DeclarationRow) -> dict[str, Any]:
    data = asdict(row)
    data["organisation"] = row.organisation_id
    data["code"] = row.waste_code
    data["site"] = row.site_id
    data["quantity_magnitude"] = list(row.quantity_magnitude)
    data["readable"] = sorted(row.readable)
    return data


def _input(payload: SymbiosisDeclarationIn) -> actions.DeclarationInput:
    data = payload.dict()
    months = data.pop("months")
    return actions.DeclarationInput(
        site_id=data.pop("site"),
        waste_code=data.pop("code"),
        months=months,
        **{k: v for k, v in data.items() if k != "organisation"},
    )


# The action names its inputs as the forms do; the API calls two of them otherwise.
API_FIELD = {"waste_code": "code", "site_id": "site"}


def _as_api_fields(save: Callable[[], ResourceDeclaration]) -> ResourceDeclaration:
    """Run the action; a refusal names the fields as this API's body does."""
    try:
        return save()
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {API_FIELD.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from None


def _fresh(request: HttpRequest, declaration: ResourceDeclaration) -> dict[str, Any]:
    user = request_user(request)
    found = queries.with_related(ResourceDeclaration.objects.filter(pk=declaration.pk)).get()
    return _out(queries.declaration_row(found, audience_of(user), user=user, channel="api"))


@router.get(
    "/symbiosis/declarations",
    response=SymbiosisDeclarationPage,
    summary="Active offers and demands, private fields as the caller may read them",
)
def list_declarations(request: HttpRequest, filters: Query[SymbiosisDeclarationFilters]) -> Any:
    user = request_user(request)
    audience = audience_of(user)
    found = queries.public_declarations(
        user,
        audience,
        queries.DeclarationFilters(
            direction=filters.direction,
            category=filters.category,
            code=filters.code,
            department=filters.department,
            q=filters.q,
        ),
    )
    count = found.count()
    rows = queries.declaration_rows(
        found[filters.offset : filters.offset + filters.limit],
        audience,
        user=user,
        channel="api",
        path=request.get_full_path(),
    )
    return {"items": [_out(row) for row in rows], "count": count}


@router.get("/symbiosis/declarations/{declaration_id}", response=SymbiosisDeclarationOut)
def get_declaration(request: HttpRequest, declaration_id: int) -> Any:
    user = request_user(request)
    audience = audience_of(user)
    found = get_object_or_404(queries.visible_declarations(user, audience), pk=declaration_id)
    row = queries.declaration_row(found, audience, user=user, channel="api", path=request.path)
    return _out(row)


@router.post(
    "/symbiosis/declarations",
    response={201: SymbiosisDeclarationOut},
    auth=WRITE_AUTH,
    summary="Declare an offer or a demand of one's organisation",
)
def create_declaration(request: HttpRequest, payload: SymbiosisDeclarationCreateIn) -> Any:
    user = request_user(request)
    # A slug in the body names a field: an unknown one is a 422 on it, not a 404 of the path.
    organisation = visible_organisations(user).filter(slug=payload.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": _("No organisation has this slug.")})
    saved = _as_api_fields(lambda: actions.declare_resource(user, organisation, _input(payload)))
    return Status(201, _fresh(request, saved))


def _own(request: HttpRequest, declaration_id: int) -> ResourceDeclaration:
    user = request_user(request)
    found: ResourceDeclaration = get_object_or_404(
        queries.visible_declarations(user, audience_of(user)), pk=declaration_id
    )
    return found


@router.put(
    "/symbiosis/declarations/{declaration_id}",
    response=SymbiosisDeclarationOut,
    auth=WRITE_AUTH,
)
def update_declaration(
    request: HttpRequest, declaration_id: int, payload: SymbiosisDeclarationIn
) -> Any:
    found = _own(request, declaration_id)
    saved = _as_api_fields(
        lambda: actions.update_declaration(request_user(request), found, _input(payload))
    )
    return _fresh(request, saved)


@router.post(
    "/symbiosis/declarations/{declaration_id}/state",
    response=SymbiosisDeclarationOut,
    auth=WRITE_AUTH,
    summary="Pause, close or reopen a declaration",
)
def change_state(request: HttpRequest, declaration_id: int, payload: SymbiosisStateIn) -> Any:
    found = _own(request, declaration_id)
    saved = actions.set_declaration_state(request_user(request), found, payload.change)
    return _fresh(request, saved)


@router.get(
    "/symbiosis/codes",
    response=list[SymbiosisWasteCodeOut],
    summary="Search the European List of Waste by words (French or English) or code",
)
def codes(request: HttpRequest, query: Query[SymbiosisCodeQuery]) -> Any:
    return queries.search_codes(query.q, query.limit)

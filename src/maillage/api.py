"""The versioned HTTP API: /api/v1/, its OpenAPI document and interactive page."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from maillage.cooperation.api.funding import router as cooperation_funding_router
from maillage.cooperation.api.governance import router as cooperation_governance_router
from maillage.cooperation.api.projects import router as cooperation_projects_router
from maillage.cooperation.api.skills import router as cooperation_skills_router
from maillage.core.request_limits import NUL, too_large_response
from maillage.designs.api.designs import router as designs_router
from maillage.designs.api.makers import router as designs_makers_router
from maillage.directory.api import router as directory_router
from maillage.equipment.api import router as equipment_router
from maillage.impact.api.machines import router as impact_machines_router
from maillage.impact.api.network import router as impact_network_router
from maillage.impact.api.scenarios import router as impact_scenarios_router
from maillage.interop.api import router as interop_router
from maillage.maintenance.api.breakdowns import router as maintenance_breakdowns_router
from maillage.maintenance.api.passport import router as maintenance_passport_router
from maillage.maintenance.api.plans import router as maintenance_plans_router
from maillage.map.api import add_organisation_list
from maillage.map.api import router as map_router
from maillage.matching.api import router as matching_router
from maillage.qualifications.api import router as qualifications_router
from maillage.sharing.actions.bookings import BookingConflict
from maillage.sharing.api import router as sharing_router
from maillage.symbiosis.api.candidates import router as symbiosis_candidates_router
from maillage.symbiosis.api.declarations import router as symbiosis_declarations_router
from maillage.symbiosis.api.heat import router as symbiosis_heat_router
from maillage.symbiosis.api.loops import router as symbiosis_loops_router
from maillage.symbiosis.api.synergies import router as symbiosis_synergies_router


class StrictParser(Parser):
    """JSON bodies without NUL characters: PostgreSQL can neither store nor compare them."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if _holds_nul(data):
            # ninja answers 400 "Cannot parse request body" for any error raised here.
            raise ValueError("The body holds a NUL character (U+0000).")
        return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class VendoredSwagger(DocsBase):
    """Swagger UI from static/vendor/: the docs page works with no access to the internet."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # the default validator is a remote service
        }
        context = {"api": api, "swagger_settings": json.dumps(settings)}
        return render(request, "api/docs.html", context)


# The errors every operation may answer, declared in the OpenAPI document by `_declare_errors`.
_ERROR_SCHEMAS: dict[str, Any] = {
    "ErrorOut": {
        "title": "ErrorOut",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrorOut": {
        "title": "ValidationErrorOut",
        "type": "object",
        "properties": {
            "detail": {
                "title": "Detail",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "loc": {
                            "type": "array",
                            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            "description": "Where: query, path or body, then the field",
                        },
                        "msg": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["loc", "msg", "type"],
                },
            }
        },
        "required": ["detail"],
    },
}
_ERROR_TEXT = {
    400: "The request body is not valid JSON, or holds a NUL character",
    401: "No valid token nor session",
    403: "Not allowed for this caller",
    404: "Not found, or not visible to this caller",
    409: "The booking changed meanwhile; each error says its state now",
    413: "The request body is too large",
    422: "A parameter or field is invalid; each error names it",
    429: "Too many requests",
}


_BOOKING_TRANSITION = re.compile(r"/bookings/\{booking_id\}/[a-z-]+$")


def _error_response(code: int) -> dict[str, Any]:
    name = "ValidationErrorOut" if code in (409, 422) else "ErrorOut"
    return {
        "description": _ERROR_TEXT[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def _error_codes(path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses this operation can answer, read from what it takes and needs."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    codes = [429]
    if parameters or has_body:
        codes.append(422)
    if has_body:
        codes += [400, 413]
    if operation.get("security"):
        codes += [401, 403]
    if any(p.get("in") == "path" for p in parameters):
        codes.append(404)
    if _BOOKING_TRANSITION.search(path):
        codes.append(409)  # BookingConflict: the row is re-read under lock
    return sorted(codes)


def _declare_errors(schema: OpenAPISchema) -> OpenAPISchema:
    schema.setdefault("components", {}).setdefault("schemas", {}).update(_ERROR_SCHEMAS)
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, operation):
                responses.setdefault(code, _error_response(code))
    return schema


class MaillageAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        return _declare_errors(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )


api = MaillageAPI(
    title="Maillage API",
    version="1",
    urls_namespace="api-v1",
    docs=VendoredSwagger(),
    parser=StrictParser(),
    description=(
        "Directory of the territory's industrial ecosystem. Authenticate with a personal token "
        "(`Authorization: Bearer mlg_…`, created on your account page) or a browser session."
    ),
)
api.add_router("/", directory_router)
add_organisation_list(directory_router)
api.add_router("/", map_router)
api.add_router("/", equipment_router)
api.add_router("/", interop_router)
api.add_router("/", sharing_router)
api.add_router("/", qualifications_router)
api.add_router("/", matching_router)
api.add_router("/", maintenance_plans_router)
api.add_router("/", maintenance_breakdowns_router)
api.add_router("/", maintenance_passport_router)
api.add_router("/", symbiosis_declarations_router)
api.add_router("/", symbiosis_candidates_router)
api.add_router("/", symbiosis_synergies_router)
api.add_router("/", designs_router)
api.add_router("/", symbiosis_loops_router)
api.add_router("/", symbiosis_heat_router)
api.add_router("/", designs_makers_router)
api.add_router("/", cooperation_skills_router)
api.add_router("/", cooperation_projects_router)
api.add_router("/", cooperation_governance_router)
api.add_router("/", cooperation_funding_router)
api.add_router("/", impact_machines_router)
api.add_router("/", impact_scenarios_router)
api.add_router("/", impact_network_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Same shape as the schema errors: one entry per field, naming it."""
    where = "query" if request.method in ("GET", "HEAD") else "body"
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": [where, field], "msg": message, "type": "value_error"}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    else:
        detail = [{"loc": [where], "msg": m, "type": "value_error"} for m in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ProtectedError)
def still_used(request: HttpRequest, exc: ProtectedError) -> HttpResponse:
    """Removing what other records still point to is refused as invalid, never a 500."""
    message = _("Still in use: move or remove what depends on it first.")
    return validation_error(request, ValidationError(message))


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body the middleware could not size beforehand (e.g. a PUT form), read by the API."""
    return too_large_response(request, exc)


@api.exception_handler(BookingConflict)
def booking_conflict(request: HttpRequest, exc: BookingConflict) -> HttpResponse:
    """Someone changed the booking between the client's read and its write: 409 Conflict."""
    response = validation_error(request, exc)
    response.status_code = 409
    return response

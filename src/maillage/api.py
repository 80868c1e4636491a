"""The versioned HTTP API: /api/v1/, its OpenAPI document and interactive page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from maillage.directory.api import router as directory_router
from maillage.equipment.api import router as equipment_router
from maillage.interop.api import router as interop_router
from maillage.matching.api import router as matching_router
from maillage.sharing.actions import BookingConflict
from maillage.sharing.api import router as sharing_router

api = NinjaAPI(
    title="Maillage API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Directory of the territory's industrial ecosystem. Authenticate with a personal token "
        "(`Authorization: Bearer mlg_…`, created on your account page) or a browser session."
    ),
)
api.add_router("/", directory_router)
api.add_router("/", equipment_router)
api.add_router("/", interop_router)
api.add_router("/", sharing_router)
api.add_router("/", matching_router)


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


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(BookingConflict)
def booking_conflict(request: HttpRequest, exc: BookingConflict) -> HttpResponse:
    """Someone changed the booking between the client's read and its write: 409 Conflict."""
    response = validation_error(request, exc)
    response.status_code = 409
    return response

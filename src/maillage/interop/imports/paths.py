"""Where an action's refusal lands in an OKW facility's JSON, field by field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from maillage.equipment.actions import ENVELOPE_FIELDS
from maillage.interop.okw.values import join

# Where an error of an action lands in the facility's JSON.
ORGANISATION_PATHS: Mapping[str, str] = {
    "name": "owner.name",
    "kind": "owner.maillage_kind",
    "fields": "owner.maillage_fields",
    "naf_code": "owner.maillage_naf_code",
    "website": "owner.website",
    "contact_email": "contact.contact.email",
    "description": "description",
}
SITE_PATHS: Mapping[str, str] = {
    "name": "name",
    "address": "location.address.street",
    "postal_code": "location.address.postcode",
    "commune": "location.address.city",
    "city": "location.address.city",
    "country": "location.address.country",
    "latitude": "location.gps_coordinates",
    "longitude": "location.gps_coordinates",
}
MACHINE_PATHS: Mapping[str, str] = {
    "name": "name",
    "make": "make",
    "model": "model",
    "serial_number": "serial_number",
    "year": "maillage_year",
    "processes": "manufacturing_process",
    "materials": "materials_worked",
    **dict(zip(ENVELOPE_FIELDS, ("x_travel", "y_travel", "z_travel"), strict=True)),
    "max_part_mass_kg": "maillage_max_part_mass_kg",
    "power_kw": "power_rating",
    "tolerance_class": "tolerance_class",
    "condition": "condition",
    "status": "maillage_status",
    "notes": "notes",
    "site": "",
}


@contextmanager
def at_path(path: str, names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise an action's errors keyed by JSON path instead of by model field."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({path or "document": exc.messages}) from None
        errors: dict[str, list[str]] = {}
        for key, messages in exc.message_dict.items():
            sub = "" if key == NON_FIELD_ERRORS else names.get(key, key)
            errors.setdefault(join(path, sub) or "document", []).extend(messages)
        raise ValidationError(errors) from None
    except PermissionDenied as exc:
        raise PermissionDenied(f"{path or 'document'}: {exc}") from None

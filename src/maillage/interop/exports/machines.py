"""Public machine exports: CSV and GeoJSON of a filtered list (the caller filters)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from maillage.equipment.actions import ENVELOPE_FIELDS
from maillage.equipment.models import Machine
from maillage.interop.exports.identifiers import SENTINEL, absolute, machine_uri, organisation_uri
from maillage.interop.okw.build import number_out

CSV_COLUMNS = [
    "id",
    "name",
    "make",
    "model",
    "organisation",
    "site",
    "commune",
    "department",
    "latitude",
    "longitude",
    "processes",
    "process_labels",
    "materials",
    *ENVELOPE_FIELDS,
    "power_kw",
    "computer_controlled",
    "tolerance_class",
    "condition",
    "status",
    "url",
]


def _for_export(queryset: QuerySet[Machine]) -> QuerySet[Machine]:
    return (
        queryset.select_related("organisation", "site", "site__commune", "site__department")
        .prefetch_related("processes", "materials")
        .order_by("name", "pk")
    )


def _machine_url_builder() -> Callable[[int], str]:
    """The machine's page when the equipment pages are routed, else its API record."""
    try:
        template = absolute(reverse("equipment:machine", args=[SENTINEL]))
    except NoReverseMatch:
        template = machine_uri(SENTINEL)
    return lambda pk: template.replace(str(SENTINEL), str(pk))


class _Line:
    """A file-like object whose write() hands the CSV line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _num(value: float | None) -> str:
    out = number_out(value)
    return "" if out is None else str(out)


def machines_csv(queryset: QuerySet[Machine]) -> Iterator[str]:
    """The machines as UTF-8 CSV lines (RFC 4180), header first; the caller filters them."""
    writer = csv.writer(_Line())
    url_for = _machine_url_builder()
    yield writer.writerow(CSV_COLUMNS)
    for machine in _for_export(queryset).iterator(chunk_size=500):
        site = machine.site
        processes = sorted(machine.processes.all(), key=lambda p: p.code)
        yield writer.writerow(
            [
                machine.pk,
                _cell(machine.name),
                _cell(machine.make),
                _cell(machine.model),
                _cell(machine.organisation.name),
                _cell(site.name),
                _cell(site.commune.name if site.commune else site.city),
                site.department_id or "",
                site.latitude,
                site.longitude,
                ";".join(p.code for p in processes),
                _cell(";".join(p.label for p in processes)),
                ";".join(sorted(m.material for m in machine.materials.all())),
                *(_num(getattr(machine, name)) for name in ENVELOPE_FIELDS),
                _num(machine.power_kw),
                "true" if machine.computer_controlled else "false",
                machine.tolerance_class,
                machine.condition,
                machine.status,
                url_for(machine.pk),
            ]
        )


def machines_feature_collection(queryset: QuerySet[Machine]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946): one Point per machine, at its site."""
    url_for = _machine_url_builder()
    features = []
    for machine in _for_export(queryset):
        site, organisation = machine.site, machine.organisation
        processes = sorted(machine.processes.all(), key=lambda p: p.code)
        features.append(
            {
                "type": "Feature",
                "id": machine.pk,
                "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
                "properties": {
                    "id": machine.pk,
                    "name": machine.name,
                    "make": machine.make,
                    "model": machine.model,
                    "organisation": organisation.name,
                    "organisation_slug": organisation.slug,
                    "organisation_url": organisation_uri(organisation.slug),
                    "site_id": site.pk,
                    "place": site.commune.name if site.commune else site.city,
                    "department": site.department_id or "",
                    "processes": [p.code for p in processes],
                    "process_labels": [p.label for p in processes],
                    "materials": sorted(m.material for m in machine.materials.all()),
                    **{name: getattr(machine, name) for name in ENVELOPE_FIELDS},
                    "power_kw": machine.power_kw,
                    "computer_controlled": machine.computer_controlled,
                    "tolerance_class": machine.tolerance_class,
                    "condition": machine.condition,
                    "status": machine.status,
                    "url": url_for(machine.pk),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}

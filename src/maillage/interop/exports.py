"""Public exports: OKW facilities, the OKW directory collection, machine CSV and GeoJSON.

Only validated organisations leave the platform, retired machines stay home and serial
numbers are never written. Each export runs a fixed number of queries, whatever its size.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from maillage.directory.models import OrganisationStatus, Site
from maillage.equipment.models import Machine, MachineStatus
from maillage.interop import okw

_SENTINEL = 987654321
_SLUG_SENTINEL = "okw-slug-sentinel"

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
    "envelope_x_mm",
    "envelope_y_mm",
    "envelope_z_mm",
    "power_kw",
    "computer_controlled",
    "tolerance_class",
    "condition",
    "status",
    "url",
]


# --- identifiers -------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def site_uri(site_id: int) -> str:
    """A facility's stable identifier: the URL of its OKW record on this platform."""
    return absolute(reverse("api-v1:okw_site", kwargs={"site_id": site_id}))


def organisation_uri(slug: str) -> str:
    return absolute(reverse("directory:organisation", args=[slug]))


def machine_uri(machine_id: int) -> str:
    return absolute(reverse("api-v1:get_machine", kwargs={"machine_id": machine_id}))


def own_site_id(uri: str) -> int | None:
    """The site a facility `id` of this platform names, or None for any other identifier."""
    middle = _between(uri, site_uri(_SENTINEL), str(_SENTINEL))
    return int(middle) if middle and middle.isdigit() else None


def own_machine_id(uri: str) -> int | None:
    middle = _between(uri, machine_uri(_SENTINEL), str(_SENTINEL))
    return int(middle) if middle and middle.isdigit() else None


def own_organisation_slug(uri: str) -> str | None:
    middle = _between(uri, organisation_uri(_SLUG_SENTINEL), _SLUG_SENTINEL)
    return middle if middle and "/" not in middle else None


def _between(uri: str, template: str, sentinel: str) -> str | None:
    prefix, _sep, suffix = template.partition(sentinel)
    uri = uri.strip()
    if uri.startswith(prefix) and uri.endswith(suffix) and len(uri) > len(prefix) + len(suffix):
        return uri[len(prefix) : len(uri) - len(suffix)]
    return None


# --- OKW ---------------------------------------------------------------------------------


def public_sites() -> QuerySet[Site]:
    return Site.objects.filter(organisation__status=OrganisationStatus.VALIDATED)


def _public_machines() -> QuerySet[Machine]:
    return (
        Machine.objects.filter(organisation__status=OrganisationStatus.VALIDATED)
        .exclude(status=MachineStatus.RETIRED)
        .prefetch_related("processes", "materials")
        .order_by("name", "pk")
    )


def _with_related(sites: QuerySet[Site]) -> QuerySet[Site]:
    return sites.select_related(
        "organisation", "organisation__naf", "commune", "department"
    ).prefetch_related(
        "organisation__fields",
        Prefetch("machines", queryset=_public_machines(), to_attr="public_machines"),
    )


def site_okw(site: Site) -> dict[str, Any]:
    """One public site as an OKW facility; ValueError when its organisation is not public."""
    found = list(_with_related(public_sites().filter(pk=site.pk)))
    if not found:
        raise ValueError(f"Site {site.pk} is not public.")
    return okw.facility_to_okw(facility_for(found[0]))


def directory_okw() -> dict[str, Any]:
    """Every site of every validated organisation, as one OKW collection."""
    sites = _with_related(public_sites()).order_by(
        "organisation__name", "organisation_id", "-is_main", "pk"
    )
    return okw.collection_to_okw(
        (facility_for(site) for site in sites),
        source=absolute("/"),
        generated_at=timezone.now().isoformat(timespec="seconds"),
    )


def facility_for(site: Site) -> okw.Facility:
    """The facility of a site, from the site, its organisation and its public machines.

    Expects the site loaded by `_with_related` (machines in `public_machines`).
    """
    organisation = site.organisation
    machines: list[Machine] = list(getattr(site, "public_machines", []))
    stamps = [site.updated_at, organisation.updated_at, *(m.updated_at for m in machines)]
    return okw.Facility(
        id=site_uri(site.pk),
        name=site.name or organisation.name,
        location=okw.Location(
            latitude=site.latitude,
            longitude=site.longitude,
            street=site.address,
            city=site.city or (site.commune.name if site.commune else ""),
            postcode=site.postal_code,
            region=site.department.region_name if site.department else "",
            country=site.country,
        ),
        owner=okw.Agent(
            id=organisation_uri(organisation.slug),
            name=organisation.name,
            website=organisation.website,
            kind=organisation.kind,
            fields=tuple(sorted(f.field for f in organisation.fields.all())),
            naf_code=organisation.naf.code if organisation.naf else "",
        ),
        contact=(
            okw.Agent(name=organisation.name, email=organisation.contact_email)
            if organisation.contact_email
            else None
        ),
        facility_status="Active",
        access_type=okw.ACCESS_TYPE_BY_KIND.get(organisation.kind, ""),
        description=organisation.description,
        equipment=tuple(equipment_for(m) for m in machines),
        date_created=timezone.localdate(site.created_at).isoformat(),
        last_updated=timezone.localdate(max(stamps)).isoformat(),
    )


def equipment_for(machine: Machine) -> okw.Equipment:
    """A public machine as OKW equipment: never its serial number."""
    processes = sorted(machine.processes.all(), key=lambda p: p.code)
    refs: list[okw.ProcessRef] = []
    for process in processes:
        ref = (
            okw.ProcessRef("wikidata", process.wikidata)
            if process.wikidata
            else okw.ProcessRef("maillage", process.code)
        )
        if ref not in refs:
            refs.append(ref)
    return okw.Equipment(
        id=machine_uri(machine.pk),
        name=machine.name,
        process_refs=tuple(refs),
        process_codes=tuple(p.code for p in processes),
        make=machine.make,
        model=machine.model,
        condition=machine.condition,
        status=machine.status,
        notes=machine.notes,
        power_kw=machine.power_kw,
        materials=tuple(sorted(m.material for m in machine.materials.all())),
        x_travel_mm=machine.envelope_x_mm,
        y_travel_mm=machine.envelope_y_mm,
        z_travel_mm=machine.envelope_z_mm,
        computer_controlled=machine.computer_controlled,
        tolerance_class=machine.tolerance_class,
        year=machine.year,
        max_part_mass_kg=machine.max_part_mass_kg,
    )


# --- CSV and GeoJSON of machines -----------------------------------------------------------


def _for_export(queryset: QuerySet[Machine]) -> QuerySet[Machine]:
    return (
        queryset.select_related("organisation", "site", "site__commune", "site__department")
        .prefetch_related("processes", "materials")
        .order_by("name", "pk")
    )


def _machine_url_builder() -> Callable[[int], str]:
    """The machine's page when the equipment pages are routed, else its API record."""
    try:
        template = absolute(reverse("equipment:machine", args=[_SENTINEL]))
    except NoReverseMatch:
        template = machine_uri(_SENTINEL)
    return lambda pk: template.replace(str(_SENTINEL), str(pk))


class _Line:
    """A file-like object whose write() hands the CSV line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _num(value: float | None) -> str:
    out = okw.number_out(value)
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
                _num(machine.envelope_x_mm),
                _num(machine.envelope_y_mm),
                _num(machine.envelope_z_mm),
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
                    "envelope_x_mm": machine.envelope_x_mm,
                    "envelope_y_mm": machine.envelope_y_mm,
                    "envelope_z_mm": machine.envelope_z_mm,
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

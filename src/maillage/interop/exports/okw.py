"""Public exports as OKW: one site as a facility, the whole directory as a collection.

Only validated organisations leave the platform, retired machines stay home and serial
numbers are never written. Each export runs a fixed number of queries, whatever its size.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from maillage.directory.models import OrganisationStatus, Site
from maillage.equipment.models import Machine, MachineStatus
from maillage.interop.exports.identifiers import absolute, machine_uri, organisation_uri, site_uri
from maillage.interop.okw.build import collection_to_okw, facility_to_okw
from maillage.interop.okw.model import Agent, Equipment, Facility, Location, ProcessRef
from maillage.interop.okw.vocabulary import ACCESS_TYPE_BY_KIND
from maillage.interop.okw_fields import equipment_values, location_values


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
    return facility_to_okw(facility_for(found[0]))


def directory_okw() -> dict[str, Any]:
    """Every site of every validated organisation, as one OKW collection."""
    sites = _with_related(public_sites()).order_by(
        "organisation__name", "organisation_id", "-is_main", "pk"
    )
    return collection_to_okw(
        (facility_for(site) for site in sites),
        source=absolute("/"),
        generated_at=timezone.now().isoformat(timespec="seconds"),
    )


def facility_for(site: Site) -> Facility:
    """The facility of a site, from the site, its organisation and its public machines.

    Expects the site loaded by `_with_related` (machines in `public_machines`).
    """
    organisation = site.organisation
    machines: list[Machine] = list(getattr(site, "public_machines", []))
    stamps = [site.updated_at, organisation.updated_at, *(m.updated_at for m in machines)]
    return Facility(
        id=site_uri(site.pk),
        name=site.name or organisation.name,
        location=Location(
            **location_values(site),
            city=site.city or (site.commune.name if site.commune else ""),
            region=site.department.region_name if site.department else "",
        ),
        owner=Agent(
            id=organisation_uri(organisation.slug),
            name=organisation.name,
            website=organisation.website,
            kind=organisation.kind,
            fields=tuple(sorted(f.field for f in organisation.fields.all())),
            naf_code=organisation.naf.code if organisation.naf else "",
        ),
        contact=(
            Agent(name=organisation.name, email=organisation.contact_email)
            if organisation.contact_email
            else None
        ),
        facility_status="Active",
        access_type=ACCESS_TYPE_BY_KIND.get(organisation.kind, ""),
        description=organisation.description,
        equipment=tuple(equipment_for(m) for m in machines),
        date_created=timezone.localdate(site.created_at).isoformat(),
        last_updated=timezone.localdate(max(stamps)).isoformat(),
    )


def equipment_for(machine: Machine) -> Equipment:
    """A public machine as OKW equipment: never its serial number."""
    processes = sorted(machine.processes.all(), key=lambda p: p.code)
    refs: list[ProcessRef] = []
    for process in processes:
        ref = (
            ProcessRef("wikidata", process.wikidata)
            if process.wikidata
            else ProcessRef("maillage", process.code)
        )
        if ref not in refs:
            refs.append(ref)
    return Equipment(
        id=machine_uri(machine.pk),
        name=machine.name,
        process_refs=tuple(refs),
        process_codes=tuple(p.code for p in processes),
        materials=tuple(sorted(m.material for m in machine.materials.all())),
        **equipment_values(machine),
    )

"""Organisations and sites saved by importers (fablabs.io, Open Know-Where), coordinators only."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.actions.sites import authored, refresh_search_text
from maillage.directory.models import (
    Commune,
    Organisation,
    OrganisationStatus,
    Site,
    User,
)

# --- imports from other directories ------------------------------------------------------


@dataclass(frozen=True)
class ImportedPlace:
    """Where an imported organisation's one site is: coordinates and commune already found."""

    latitude: float
    longitude: float
    country: str
    city: str
    postal_code: str
    address: str
    commune: Commune | None


# Checks the import leaves to the database: each would cost one query per organisation.
_IMPORT_UNCHECKED = ["search_text", "created_by", "moderated_by", "duplicate_of", "naf"]


def save_imported_organisation(
    actor: User,
    organisation: Organisation | None,
    *,
    slug: str,
    kind: str,
    name: str,
    website: str,
    description: str,
    place: ImportedPlace,
) -> tuple[Organisation, str, str]:
    """Create an imported organisation, published, or update what its source owns.

    `organisation` is the one found by `slug` before (None to create it). Returns it with what
    happened to it and to its main site: "created", "updated" or "unchanged".
    """
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators import the fablabs.io directory."))
    with transaction.atomic():
        org_state = "updated"
        if organisation is None:
            organisation, org_state = (
                Organisation(
                    slug=slug,
                    kind=kind,
                    status=OrganisationStatus.VALIDATED,
                    created_by=actor,
                    moderated_by=actor,
                    moderated_at=timezone.now(),
                ),
                "created",
            )
        elif (organisation.name, organisation.website, organisation.description) == (
            name,
            website,
            description,
        ):
            org_state = "unchanged"
        if org_state != "unchanged":
            organisation.name, organisation.website = name, website
            organisation.description = description
            organisation._history_user = actor  # type: ignore[attr-defined]
            # The slug is the importer's and known unique; the database enforces the rest.
            organisation.full_clean(
                exclude=_IMPORT_UNCHECKED, validate_unique=False, validate_constraints=False
            )
            organisation.save()
        site_state = _save_imported_site(actor, organisation, place)
        if (org_state, site_state) != ("unchanged", "unchanged"):
            refresh_search_text(organisation)
    return organisation, org_state, site_state


def _save_imported_site(actor: User, organisation: Organisation, place: ImportedPlace) -> str:
    """The organisation's main site: created, or its place updated; its name is not the source's."""
    site = organisation.sites.order_by("-is_main", "pk").first()
    values: dict[str, object] = {
        "address": place.address,
        "postal_code": place.postal_code,
        "commune_id": place.commune.pk if place.commune else None,
        "city": place.city,
        "country": place.country,
        "department_id": place.commune.department_id if place.commune else None,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }
    state = "updated"
    if site is None:
        site, state = Site(organisation=organisation, is_main=True), "created"
    elif all(getattr(site, k) == v for k, v in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(site, key, value)
    authored(site, actor).full_clean(exclude=["organisation"], validate_constraints=False)
    site.save()
    return state

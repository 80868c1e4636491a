"""Import of OKW facilities: organisations, sites and machines, in one transaction.

The whole document is read and every process reference resolved before anything is written;
then each facility goes through the directory and equipment actions (same checks and
permissions as the pages). Any error rolls everything back and names its JSON path.
Re-importing the same document updates what the first import created (docs/okw.md,
"Identifiers and idempotency").
"""

from __future__ import annotations

import math
from dataclasses import asdict, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, OrganisationKind, Site, User
from maillage.equipment.models import Machine
from maillage.interop.exports.identifiers import own_organisation_slug, own_site_id
from maillage.interop.imports.catalogue import Catalogue
from maillage.interop.imports.machines import SOURCE, EquipmentImporter
from maillage.interop.imports.paths import ORGANISATION_PATHS, SITE_PATHS, at_path
from maillage.interop.imports.report import ImportReport
from maillage.interop.okw.model import Agent, Facility, OkwError
from maillage.interop.okw.parse import read_document
from maillage.interop.okw.values import join
from maillage.interop.okw.vocabulary import guess_kind
from maillage.interop.okw_fields import site_values

DEFAULT_KIND = OrganisationKind.COLLECTIVE_WORKSHOP


def import_okw(
    data: object, actor: User, *, default_kind: str = DEFAULT_KIND, dry_run: bool = False
) -> ImportReport:
    """Create or update the organisations, sites and machines an OKW document describes.

    New organisations are pending unless the actor is a coordinator (the rule of
    `create_organisation`). Raises ValidationError keyed by JSON path, or PermissionDenied.
    With `dry_run`, everything is checked and written, then rolled back.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to import facilities."))
    if default_kind not in OrganisationKind.values:
        raise ValidationError(
            {"default_kind": _("Unknown kind of organisation: %(v)s.") % {"v": default_kind}}
        )
    try:
        items = read_document(data)
    except OkwError as exc:
        raise ValidationError({exc.path or "document": exc.message}) from None
    catalogue = Catalogue.load()
    codes = {
        path: [
            catalogue.codes_for(e, join(path, f"equipment[{i}]"))
            for i, e in enumerate(facility.equipment)
        ]
        for path, facility in items
    }
    importer = _Importer(actor, default_kind)
    with transaction.atomic():
        for path, facility in items:
            importer.facility(path, facility, codes[path])
        if dry_run:
            transaction.set_rollback(True)
    return importer.report


def same_float(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


class _Importer:
    def __init__(self, actor: User, default_kind: str) -> None:
        self.actor = actor
        self.default_kind = default_kind
        self.report = ImportReport()
        self.organisations: dict[tuple[str, str], Organisation] = {}
        self.equipment = EquipmentImporter(actor, self.report)

    # -- facility ------------------------------------------------------------------------

    def facility(self, path: str, facility: Facility, codes: list[list[str]]) -> None:
        self.report.warnings.extend(facility.warnings)
        if facility.facility_status == "Closed":
            self.report.skipped.append(f"{path or 'document'}: closed facility, not imported.")
            return
        site = self._find_site(facility)
        organisation = site.organisation if site else self._find_organisation(path, facility)
        if organisation is None:
            organisation = self._create_organisation(path, facility)
        else:
            if not permissions.can_edit_sites(self.actor, organisation):
                # An organisation this person may not see is not named to them.
                if not permissions.can_view_organisation(self.actor, organisation):
                    raise PermissionDenied(
                        _(
                            "%(path)s: you may not import this organisation; ask a coordinator "
                            "to import it."
                        )
                        % {"path": join(path, "owner.name")}
                    )
                raise PermissionDenied(
                    _(
                        "%(path)s: “%(name)s” is already in the directory and you are not one "
                        "of its members; ask its admins to invite you, or a coordinator to "
                        "import it."
                    )
                    % {"path": join(path, "owner.name"), "name": organisation.name}
                )
            self._update_organisation(path, facility, organisation)
        self.organisations[self._owner_key(facility)] = organisation
        site = self._save_site(path, facility, organisation, site)
        self.report.facilities.append(
            {"path": path, "id": facility.id, "site": site.pk, "organisation": organisation.slug}
        )
        for i, (equipment, process_codes) in enumerate(zip(facility.equipment, codes, strict=True)):
            self.equipment.save(
                join(path, f"equipment[{i}]"), facility, equipment, process_codes, site
            )

    def _owner_key(self, facility: Facility) -> tuple[str, str]:
        owner = facility.owner
        if owner and owner.id:
            return ("id", owner.id)
        return ("name", fold(owner.name if owner and owner.name else facility.name))

    def _owner_name(self, facility: Facility) -> str:
        return facility.owner.name if facility.owner and facility.owner.name else facility.name

    # -- organisation --------------------------------------------------------------------

    def _find_site(self, facility: Facility) -> Site | None:
        """The site a facility `id` points to: one of ours, or one a former import created."""
        if not facility.id:
            return None
        site_id = own_site_id(facility.id)
        if site_id is not None:
            site = Site.objects.select_related("organisation").filter(pk=site_id).first()
            if site is not None:
                return site
        machine = (
            Machine.objects.select_related("site__organisation")
            .filter(source=SOURCE, source_ref__startswith=facility.id + "#")
            .order_by("pk")
            .first()
        )
        return machine.site if machine else None

    def _find_organisation(self, path: str, facility: Facility) -> Organisation | None:
        key = self._owner_key(facility)
        if key in self.organisations:
            return self.organisations[key]
        owner = facility.owner
        organisation = None
        slug = own_organisation_slug(owner.id) if owner and owner.id else None
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            name = fold(self._owner_name(facility))
            organisation = next(
                (
                    o
                    for o in Organisation.objects.filter(search_text__startswith=name).order_by(
                        "pk"
                    )
                    if fold(o.name) == name
                ),
                None,
            )
        return organisation

    def _organisation_input(
        self, facility: Facility, current: organisation_actions.OrganisationInput | None
    ) -> organisation_actions.OrganisationInput:
        """The document's values over the current ones: an absent value keeps what we have."""
        owner = facility.owner or Agent()
        kind = owner.kind or (current.kind if current else "")
        kind = kind or guess_kind(facility) or self.default_kind
        email = (facility.contact.email if facility.contact else "") or owner.email
        values = organisation_actions.OrganisationInput(
            name=self._owner_name(facility),
            kind=kind,
            description=facility.description or owner.bio,
            website=owner.website,
            contact_email=email,
            naf_code=owner.naf_code,
            fields=sorted(set(owner.fields)),
        )
        if current is None:
            return values
        return replace(
            current,
            **{k: v for k, v in asdict(values).items() if v not in ("", [], None)},
        )

    def _create_organisation(self, path: str, facility: Facility) -> Organisation:
        with at_path(path, ORGANISATION_PATHS):
            organisation = organisation_actions.create_organisation(
                self.actor, self._organisation_input(facility, None), []
            )
        self.report.organisations_created.append(organisation.slug)
        return organisation

    def _update_organisation(
        self, path: str, facility: Facility, organisation: Organisation
    ) -> None:
        current = organisation_actions.OrganisationInput.of(organisation)
        wanted = self._organisation_input(facility, current)
        if wanted == current:
            self.report.unchanged += 1
            return
        with at_path(path, ORGANISATION_PATHS):
            organisation_actions.update_organisation(self.actor, organisation, wanted)
        if organisation.slug not in self.report.organisations_updated:
            self.report.organisations_updated.append(organisation.slug)

    # -- site ----------------------------------------------------------------------------

    def _save_site(
        self, path: str, facility: Facility, organisation: Organisation, site: Site | None
    ) -> Site:
        same_as_owner = fold(facility.name) == fold(organisation.name)
        wanted = site_actions.SiteInput(
            name="" if same_as_owner else facility.name,
            commune=facility.location.city,
            **site_values(facility.location),
        )
        if site is None:
            site = self._matching_site(organisation, wanted)
        if site is None:
            with at_path(path, SITE_PATHS):
                site = site_actions.add_site(self.actor, organisation, wanted)
            self.report.sites_created.append(site.pk)
            return site
        if site.organisation_id != organisation.pk:  # pragma: no cover - found through it
            raise ValidationError({join(path, "id"): _("This site belongs to another owner.")})
        if self._site_matches(site, wanted):
            self.report.unchanged += 1
            return site
        wanted.is_main = site.is_main
        with at_path(path, SITE_PATHS):
            site_actions.update_site(self.actor, site, wanted)
        self.report.sites_updated.append(site.pk)
        return site

    def _site_matches(self, site: Site, wanted: site_actions.SiteInput) -> bool:
        city = site.commune.name if site.commune_id and site.commune else site.city
        same_place = wanted.latitude is None or (
            same_float(round(wanted.latitude, 6), site.latitude)
            and same_float(round(wanted.longitude or 0.0, 6), site.longitude)
        )
        return (
            same_place
            and site.name == wanted.name.strip()
            and site.address == wanted.address.strip()
            and site.postal_code == wanted.postal_code.strip()
            and fold(city) == fold(wanted.commune)
            and site.country == wanted.country
        )

    def _matching_site(
        self, organisation: Organisation, wanted: site_actions.SiteInput
    ) -> Site | None:
        """A site of the organisation at the same place with the same name."""
        for site in organisation.sites.select_related("commune").order_by("pk"):
            if fold(site.name) != fold(wanted.name):
                continue
            if wanted.latitude is not None and wanted.longitude is not None:
                if (
                    abs(site.latitude - wanted.latitude) < 1e-5
                    and abs(site.longitude - wanted.longitude) < 1e-5
                ):
                    return site
            elif site.postal_code == wanted.postal_code.strip() and fold(site.place_name()) == fold(
                wanted.commune
            ):
                return site
        return None

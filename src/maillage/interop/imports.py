"""Import of OKW facilities: organisations, sites and machines, in one transaction.

The whole document is read and every process reference resolved before anything is written;
then each facility goes through the directory and equipment actions (same checks and
permissions as the pages). Any error rolls everything back and names its JSON path.
Re-importing the same document updates what the first import created (docs/okw.md,
"Identifiers and idempotency").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.directory import actions as directory_actions
from maillage.directory import permissions
from maillage.directory.models import Organisation, OrganisationKind, Site, User
from maillage.equipment.actions import MachineInput, save_machine
from maillage.equipment.models import Machine, Process
from maillage.interop import exports, okw
from maillage.interop.okw import join

SOURCE = "okw"
DEFAULT_KIND = OrganisationKind.COLLECTIVE_WORKSHOP
_SOURCE_REF_MAX = 200
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*")

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
    "envelope_x_mm": "x_travel",
    "envelope_y_mm": "y_travel",
    "envelope_z_mm": "z_travel",
    "max_part_mass_kg": "maillage_max_part_mass_kg",
    "power_kw": "power_rating",
    "tolerance_class": "tolerance_class",
    "condition": "condition",
    "status": "maillage_status",
    "notes": "notes",
    "site": "",
}


@dataclass
class ImportReport:
    organisations_created: list[str] = field(default_factory=list)
    organisations_updated: list[str] = field(default_factory=list)
    sites_created: list[int] = field(default_factory=list)
    sites_updated: list[int] = field(default_factory=list)
    machines_created: list[int] = field(default_factory=list)
    machines_updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    facilities: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
        items = okw.read_document(data)
    except okw.OkwError as exc:
        raise ValidationError({exc.path or "document": exc.message}) from None
    catalogue = _Catalogue.load()
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


class _Catalogue:
    """The process taxonomy, indexed by code, Wikidata item and folded label."""

    def __init__(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        self.codes = {row[0] for row in rows}
        self.by_wikidata: dict[str, str] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        for code, wikidata, label_en, label_fr, label_de in rows:  # shallowest first
            if wikidata:
                self.by_wikidata.setdefault(wikidata.upper(), code)
            for lang, label in (("en", label_en), ("fr", label_fr), ("de", label_de)):
                for text in (label, _PARENTHESIS.sub(" ", label)):
                    if fold(text):
                        self.by_label.setdefault((lang, fold(text)), code)

    @classmethod
    def load(cls) -> _Catalogue:
        rows = Process.objects.order_by("depth", "position", "code").values_list(
            "code", "wikidata", "label_en", "label_fr", "label_de"
        )
        return cls(list(rows))

    def codes_for(self, equipment: okw.Equipment, path: str) -> list[str]:
        """Our codes for the equipment's processes; an unknown one is an error at its path."""
        if equipment.process_codes:
            for i, code in enumerate(equipment.process_codes):
                if code not in self.codes:
                    raise ValidationError(
                        {
                            join(path, f"maillage_process_codes[{i}]"): _(
                                "Unknown process code: %(codes)s."
                            )
                            % {"codes": code}
                        }
                    )
            return sorted(set(equipment.process_codes))
        if not equipment.process_refs:
            raise ValidationError(
                {
                    join(path, "manufacturing_process"): _(
                        "Give at least one manufacturing process this equipment can do."
                    )
                }
            )
        found: set[str] = set()
        for i, ref in enumerate(equipment.process_refs):
            resolved = self.code_for(ref)
            if resolved is None:
                raise ValidationError(
                    {
                        join(path, f"manufacturing_process[{i}]"): _(
                            "No process of the Maillage taxonomy matches %(ref)s."
                        )
                        % {"ref": ref.url}
                    }
                )
            found.add(resolved)
        return sorted(found)

    def code_for(self, ref: okw.ProcessRef) -> str | None:
        if ref.scheme == "maillage":
            return ref.value if ref.value in self.codes else None
        if ref.scheme == "wikidata":
            return self.by_wikidata.get(ref.value.upper())
        return self.by_label.get((ref.lang, fold(ref.value)))


@contextmanager
def _at(path: str, names: Mapping[str, str]) -> Iterator[None]:
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


def _same_float(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


class _Importer:
    def __init__(self, actor: User, default_kind: str) -> None:
        self.actor = actor
        self.default_kind = default_kind
        self.report = ImportReport()
        self.organisations: dict[tuple[str, str], Organisation] = {}
        self.claimed: set[int] = set()

    # -- facility ------------------------------------------------------------------------

    def facility(self, path: str, facility: okw.Facility, codes: list[list[str]]) -> None:
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
            self._save_equipment(
                join(path, f"equipment[{i}]"), facility, equipment, process_codes, site
            )

    def _owner_key(self, facility: okw.Facility) -> tuple[str, str]:
        owner = facility.owner
        if owner and owner.id:
            return ("id", owner.id)
        return ("name", fold(owner.name if owner and owner.name else facility.name))

    def _owner_name(self, facility: okw.Facility) -> str:
        return facility.owner.name if facility.owner and facility.owner.name else facility.name

    # -- organisation --------------------------------------------------------------------

    def _find_site(self, facility: okw.Facility) -> Site | None:
        """The site a facility `id` points to: one of ours, or one a former import created."""
        if not facility.id:
            return None
        site_id = exports.own_site_id(facility.id)
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

    def _find_organisation(self, path: str, facility: okw.Facility) -> Organisation | None:
        key = self._owner_key(facility)
        if key in self.organisations:
            return self.organisations[key]
        owner = facility.owner
        organisation = None
        slug = exports.own_organisation_slug(owner.id) if owner and owner.id else None
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
        self, facility: okw.Facility, current: directory_actions.OrganisationInput | None
    ) -> directory_actions.OrganisationInput:
        """The document's values over the current ones: an absent value keeps what we have."""
        owner = facility.owner or okw.Agent()
        kind = owner.kind or (current.kind if current else "")
        kind = kind or okw.guess_kind(facility) or self.default_kind
        email = (facility.contact.email if facility.contact else "") or owner.email
        values = directory_actions.OrganisationInput(
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

    def _create_organisation(self, path: str, facility: okw.Facility) -> Organisation:
        with _at(path, ORGANISATION_PATHS):
            organisation = directory_actions.create_organisation(
                self.actor, self._organisation_input(facility, None), []
            )
        self.report.organisations_created.append(organisation.slug)
        return organisation

    def _update_organisation(
        self, path: str, facility: okw.Facility, organisation: Organisation
    ) -> None:
        current = directory_actions.OrganisationInput(
            name=organisation.name,
            kind=organisation.kind,
            description=organisation.description,
            website=organisation.website,
            contact_email=organisation.contact_email,
            naf_code=organisation.naf.code if organisation.naf else "",
            fields=organisation.field_codes(),
        )
        wanted = self._organisation_input(facility, current)
        if wanted == current:
            self.report.unchanged += 1
            return
        with _at(path, ORGANISATION_PATHS):
            directory_actions.update_organisation(self.actor, organisation, wanted)
        if organisation.slug not in self.report.organisations_updated:
            self.report.organisations_updated.append(organisation.slug)

    # -- site ----------------------------------------------------------------------------

    def _save_site(
        self, path: str, facility: okw.Facility, organisation: Organisation, site: Site | None
    ) -> Site:
        location = facility.location
        same_as_owner = fold(facility.name) == fold(organisation.name)
        wanted = directory_actions.SiteInput(
            name="" if same_as_owner else facility.name,
            address=location.street,
            postal_code=location.postcode,
            commune=location.city,
            country=location.country,
            latitude=location.latitude,
            longitude=location.longitude,
        )
        if site is None:
            site = self._matching_site(organisation, wanted)
        if site is None:
            with _at(path, SITE_PATHS):
                site = directory_actions.add_site(self.actor, organisation, wanted)
            self.report.sites_created.append(site.pk)
            return site
        if site.organisation_id != organisation.pk:  # pragma: no cover - found through it
            raise ValidationError({join(path, "id"): _("This site belongs to another owner.")})
        if self._site_matches(site, wanted):
            self.report.unchanged += 1
            return site
        wanted.is_main = site.is_main
        with _at(path, SITE_PATHS):
            directory_actions.update_site(self.actor, site, wanted)
        self.report.sites_updated.append(site.pk)
        return site

    def _site_matches(self, site: Site, wanted: directory_actions.SiteInput) -> bool:
        city = site.commune.name if site.commune_id and site.commune else site.city
        same_place = wanted.latitude is None or (
            _same_float(round(wanted.latitude, 6), site.latitude)
            and _same_float(round(wanted.longitude or 0.0, 6), site.longitude)
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
        self, organisation: Organisation, wanted: directory_actions.SiteInput
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

    # -- machines ------------------------------------------------------------------------

    def _save_equipment(
        self,
        path: str,
        facility: okw.Facility,
        equipment: okw.Equipment,
        process_codes: list[str],
        site: Site,
    ) -> None:
        organisation = site.organisation
        if not permissions.can_edit_sites(self.actor, organisation):
            raise PermissionDenied(
                f"{path}: " + _("Only the organisation's members can list its machines.")
            )
        for unit in range(equipment.quantity):
            name = equipment.name
            if equipment.quantity > 1:
                name = f"{equipment.name} ({unit + 1}/{equipment.quantity})"
            source_ref = self._source_ref(path, facility, equipment, unit)
            machine = self._find_machine(path, equipment, name, source_ref, site, unit)
            wanted = MachineInput(
                name=name,
                site_id=site.pk,
                make=equipment.make,
                model=equipment.model,
                serial_number=equipment.serial_number or (machine.serial_number if machine else ""),
                year=equipment.year,
                process_codes=process_codes,
                materials=list(equipment.materials),
                envelope_x_mm=equipment.x_travel_mm,
                envelope_y_mm=equipment.y_travel_mm,
                envelope_z_mm=equipment.z_travel_mm,
                max_part_mass_kg=equipment.max_part_mass_kg,
                power_kw=equipment.power_kw,
                computer_controlled=equipment.computer_controlled,
                tolerance_class=equipment.tolerance_class,
                condition=equipment.condition,
                status=equipment.status,
                notes=equipment.notes,
            )
            if machine is None:
                machine = Machine(
                    organisation=organisation,
                    source=SOURCE if source_ref else "",
                    source_ref=source_ref,
                )
                with _at(path, MACHINE_PATHS):
                    save_machine(machine, wanted)
                self.report.machines_created.append(machine.pk)
            elif _machine_input(machine) == wanted:
                self.report.unchanged += 1
            else:
                with _at(path, MACHINE_PATHS):
                    save_machine(machine, wanted)
                self.report.machines_updated.append(machine.pk)
            self.claimed.add(machine.pk)

    def _source_ref(
        self, path: str, facility: okw.Facility, equipment: okw.Equipment, unit: int
    ) -> str:
        """Where an imported machine came from: `<facility id>#<equipment id>[~unit]`."""
        if not (facility.id and equipment.id):
            return ""
        ref = f"{facility.id}#{equipment.id}" + (f"~{unit + 1}" if unit else "")
        if len(ref) > _SOURCE_REF_MAX:
            self.report.warnings.append(
                f"{join(path, 'id')}: identifiers too long to remember; "
                "a new import may duplicate this equipment."
            )
            return ""
        return ref

    def _find_machine(
        self,
        path: str,
        equipment: okw.Equipment,
        name: str,
        source_ref: str,
        site: Site,
        unit: int,
    ) -> Machine | None:
        """This equipment's machine: ours by `id`, a former import's, or a twin at the site."""
        candidates = Machine.objects.prefetch_related("processes", "materials")
        machine_id = exports.own_machine_id(equipment.id) if equipment.id and not unit else None
        if machine_id is not None:
            machine = candidates.filter(pk=machine_id, organisation=site.organisation).first()
            if machine is not None and machine.pk not in self.claimed:
                return machine
        if source_ref:
            machine = candidates.filter(source=SOURCE, source_ref=source_ref).first()
            if machine is not None:
                if machine.organisation_id != site.organisation_id:
                    raise ValidationError(
                        {
                            join(path, "id"): _(
                                "This equipment was imported for another organisation."
                            )
                        }
                    )
                return machine
        for machine in candidates.filter(site=site, source="").exclude(pk__in=self.claimed):
            if (
                fold(machine.name) == fold(name)
                and fold(machine.make) == fold(equipment.make)
                and fold(machine.model) == fold(equipment.model)
            ):
                return machine
        return None


def _machine_input(machine: Machine) -> MachineInput:
    return MachineInput(
        name=machine.name,
        site_id=machine.site_id,
        make=machine.make,
        model=machine.model,
        serial_number=machine.serial_number,
        year=machine.year,
        process_codes=sorted(p.code for p in machine.processes.all()),
        materials=machine.material_codes(),
        envelope_x_mm=machine.envelope_x_mm,
        envelope_y_mm=machine.envelope_y_mm,
        envelope_z_mm=machine.envelope_z_mm,
        max_part_mass_kg=machine.max_part_mass_kg,
        power_kw=machine.power_kw,
        computer_controlled=machine.computer_controlled,
        tolerance_class=machine.tolerance_class,
        condition=machine.condition,
        status=machine.status,
        notes=machine.notes,
    )

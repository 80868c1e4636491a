"""Import the fablabs.io exports into the directory and the machine inventory.

One file, one transaction: a file whose columns are wrong raises ValidationError and changes
nothing; a row that cannot be saved is reported (line, level, reason) and the others go on.
Re-importing finds every lab by its slug and every machine by (source, source_ref), and
saves only what changed, so the audit trail shows real changes only.

Order: import labs.csv first; machines files then attach their machines to the labs.csv
organisation of the same name (and country), and create an organisation only for the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.directory import permissions
from maillage.directory.actions import refresh_search_text
from maillage.directory.geocode import find_commune
from maillage.directory.models import (
    Commune,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Site,
    User,
)
from maillage.equipment import fablabs
from maillage.equipment.actions import MachineInput, save_machine
from maillage.equipment.fablabs import KnownLab, LabIndex, LabRow, MachineRow, Place, RowProblem
from maillage.equipment.models import Machine, MachineStatus, Process
from maillage.equipment.taxonomy import read_fablabs_classes

State = Literal["created", "updated", "unchanged"]
Source = str | Path | bytes | IO[bytes] | IO[str]

# The description of an imported lab says where its capabilities come from; a description
# that no longer starts with this was written by a person and is left alone.
DESCRIPTION_PREFIX = "Capacités déclarées sur fablabs.io"
# An envelopes-file facility this close to a labs.csv lab is taken to be that lab.
SAME_PLACE_KM = 0.5
LABS_CSV_SLUG = re.compile(r"^fablabs-[0-9]+$")
ORG_UNCHECKED = ["search_text", "created_by", "moderated_by", "duplicate_of", "naf"]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, state: State) -> None:
        setattr(self, state, getattr(self, state) + 1)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class Problem:
    line: int
    level: str  # "skipped" or "doubtful"
    reason: str


@dataclass
class ImportReport:
    file_name: str
    kind: str = ""
    rows: int = 0
    dry_run: bool = False
    organisations: Counts = field(default_factory=Counts)
    sites: Counts = field(default_factory=Counts)
    machines: Counts = field(default_factory=Counts)
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Rows set aside (a row stands for several machines when its quantity says so)."""
        return len({p.line for p in self.problems if p.level == "skipped"})

    @property
    def doubtful(self) -> int:
        """Rows imported with a doubt worth a look."""
        skipped = {p.line for p in self.problems if p.level == "skipped"}
        return len({p.line for p in self.problems if p.level == "doubtful"} - skipped)


def import_fablabs_file(
    source: Source, actor: User, *, dry_run: bool = False, file_name: str = ""
) -> ImportReport:
    """Import one labs.csv, machines.csv or machines_with_envelopes.csv file."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators import the fablabs.io directory."))
    name, data = _read(source, file_name)
    try:
        parsed = fablabs.parse_file(data, read_fablabs_classes())
    except fablabs.FablabsFileError as exc:
        raise ValidationError({"file": [_translate(exc.message, exc.params)]}) from None
    report = ImportReport(file_name=name, kind=parsed.kind, rows=parsed.rows, dry_run=dry_run)
    for problem in parsed.problems:
        report.problems.append(_problem(problem.line, problem))
    with transaction.atomic():
        importer = _Importer(actor, report)
        if parsed.kind == "labs":
            for lab in parsed.labs:
                importer.import_lab(lab)
        else:
            for machine in parsed.machines:
                importer.import_machine(machine, parsed.kind)
        if dry_run:
            transaction.set_rollback(True)
    report.problems.sort(key=lambda p: p.line)
    return report


def _read(source: Source, file_name: str) -> tuple[str, bytes | str]:
    """The file's name and content, from a path, bytes or an open (or uploaded) file."""
    if isinstance(source, str | Path):
        path = Path(source)
        return file_name or path.name, path.read_bytes()
    if isinstance(source, bytes):
        return file_name or "upload.csv", source
    content = source.read()
    return file_name or Path(str(getattr(source, "name", "") or "upload.csv")).name, content


def _translate(message: str, params: Mapping[str, str]) -> str:
    return _(message) % dict(params) if params else _(message)


def _problem(line: int, problem: RowProblem) -> Problem:
    return Problem(
        line=line, level=problem.level, reason=_translate(problem.message, problem.params)
    )


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


@dataclass(frozen=True)
class _Placement:
    """A lab's site ready to save: coordinates from the file or from its commune."""

    latitude: float
    longitude: float
    country: str
    city: str
    postal_code: str
    address: str
    commune: Commune | None


_Lab = tuple[Organisation, Site]


class _Importer:
    """Saves the rows of one file; holds what it already looked up, so each lab is one query."""

    def __init__(self, actor: User, report: ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.now = timezone.now()
        self.orgs = {o.slug: o for o in Organisation.objects.filter(slug__startswith="fablabs-")}
        self._machines: dict[str, Machine] | None = None
        self.labels = dict(Process.objects.values_list("code", "label_fr"))
        self.labs: dict[str, _Lab | RowProblem] = {}
        self._index: tuple[LabIndex, dict[int, _Lab]] | None = None
        self._communes: dict[tuple[str, str], Commune | None] = {}

    @property
    def machines(self) -> dict[str, Machine]:
        """Machines imported before, by source_ref; loaded once, for machines files only."""
        if self._machines is None:
            imported = Machine.objects.filter(source=fablabs.SOURCE)
            self._machines = {
                m.source_ref: m for m in imported.prefetch_related("processes", "materials")
            }
        return self._machines

    def note(self, line: int, level: fablabs.Level, message: str, **params: Any) -> None:
        self.report.problems.append(
            Problem(line, level, _translate(message, {k: str(v) for k, v in params.items()}))
        )

    # --- labs.csv ------------------------------------------------------------------------

    def import_lab(self, row: LabRow) -> None:
        placement = self.placement(row.place, row.line)
        if isinstance(placement, RowProblem):
            self.report.problems.append(_problem(row.line, placement))
            return
        website = self.website(row.website, row.line)
        description = self.description(row.capability_codes)
        try:
            with transaction.atomic():
                org, org_state = self.save_organisation(row.slug, row.name, website, description)
                site_state = self.save_site(org, placement)
                if (org_state, site_state) != ("unchanged", "unchanged"):
                    refresh_search_text(org)
        except ValidationError as exc:
            self.note(
                row.line,
                "skipped",
                gettext_noop("The lab could not be saved: %(errors)s"),
                errors=_errors(exc),
            )
            self.orgs.pop(row.slug, None)
            return
        self.report.organisations.add(org_state)
        self.report.sites.add(site_state)

    def website(self, url: str, line: int) -> str:
        """A valid web address, or '' (reported): a bad one must not reject the whole lab."""
        if not url:
            return ""
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            self.note(
                line,
                "doubtful",
                gettext_noop("Website “%(url)s” is not a web address: left out."),
                url=url,
            )
            return ""
        if len(url) > 200:
            self.note(
                line, "doubtful", gettext_noop("Website “%(url)s” is too long: left out."), url=url
            )
            return ""
        return url

    def description(self, codes: Iterable[str]) -> str:
        labels = [self.labels.get(code, code) for code in codes]
        if not labels:
            return ""
        return f"{DESCRIPTION_PREFIX} (non vérifiées) : {', '.join(labels)}."

    # --- places ------------------------------------------------------------------------

    def placement(self, place: Place, line: int) -> _Placement | RowProblem:
        """Where to put the site; without coordinates, only a French commune can place it."""
        commune = self.commune(place) if place.country in fablabs.FRENCH_COUNTRIES else None
        lat, lon = place.latitude, place.longitude
        if lat is None or lon is None:
            if commune is None:
                return self.unplaceable(place)
            lat, lon = commune.latitude, commune.longitude
            self.note(
                line,
                "doubtful",
                gettext_noop(
                    "No coordinates: placed at the centre of the commune %(commune)s (%(insee)s)."
                ),
                commune=commune.name,
                insee=commune.insee_code,
            )
        if not place.country:
            self.note(
                line,
                "doubtful",
                gettext_noop("The file gives no country: recorded as ZZ (unknown)."),
            )
        return _Placement(
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            country=place.country or fablabs.UNKNOWN_COUNTRY,
            city=(commune.name if commune else place.city)[:120],
            postal_code=place.postal_code,
            address=place.address,
            commune=commune,
        )

    def commune(self, place: Place) -> Commune | None:
        city = fablabs.geocoding_city(place.city)
        key = (city, place.postal_code)
        if key not in self._communes:
            found = find_commune(city, place.postal_code) if (city or place.postal_code) else None
            prefix = fablabs.FRENCH_COUNTRIES[place.country]
            # An overseas lab must land in its own department, not a namesake in mainland France.
            if found is not None and prefix and not found.insee_code.startswith(prefix):
                found = None
            self._communes[key] = found
        return self._communes[key]

    def unplaceable(self, place: Place) -> RowProblem:
        if place.country in fablabs.FRENCH_COUNTRIES:
            typed = " ".join(filter(None, [place.postal_code, place.city]))
            if not typed:
                return RowProblem(
                    0,
                    "skipped",
                    gettext_noop("No coordinates, and no commune or postal code to place it."),
                )
            return RowProblem(
                0,
                "skipped",
                gettext_noop("No coordinates, and no French commune matches “%(text)s”."),
                {"text": typed},
            )
        if not place.country:
            return RowProblem(
                0, "skipped", gettext_noop("No coordinates and no country: cannot be placed.")
            )
        return RowProblem(
            0,
            "skipped",
            gettext_noop(
                "No coordinates: outside France (%(country)s) a place cannot be found offline."
            ),
            {"country": place.country},
        )

    # --- organisations and sites ---------------------------------------------------------

    def save_organisation(
        self, slug: str, name: str, website: str, description: str
    ) -> tuple[Organisation, State]:
        """Create the lab, or update what the source owns: name, website, generated text."""
        org = self.orgs.get(slug)
        if org is None:
            org = Organisation(
                slug=slug,
                kind=OrganisationKind.FABLAB,
                status=OrganisationStatus.VALIDATED,
                created_by=self.actor,
                moderated_by=self.actor,
                moderated_at=self.now,
            )
            state: State = "created"
        else:
            # Moderation, kind and a description written by a person are not the source's.
            if org.description and not org.description.startswith(DESCRIPTION_PREFIX):
                description = org.description
            website = website or org.website
            if (org.name, org.website, org.description) == (name, website, description):
                return org, "unchanged"
            state = "updated"
        org.name, org.website, org.description = name, website, description
        org._history_user = self.actor  # type: ignore[attr-defined]  # simple-history's hook
        # Field checks only: the slug is ours and known unique, the people exist; each skipped
        # check is one query per lab, and the database enforces them anyway.
        org.full_clean(exclude=ORG_UNCHECKED, validate_unique=False, validate_constraints=False)
        org.save()
        self.orgs[slug] = org
        return org, state

    def save_site(self, org: Organisation, p: _Placement) -> State:
        """The lab's one site: created, or its place updated; its name is the lab's to edit."""
        site = org.sites.order_by("-is_main", "pk").first() if org.pk else None
        values: dict[str, Any] = {
            "address": p.address,
            "postal_code": p.postal_code,
            "commune_id": p.commune.pk if p.commune else None,
            "city": p.city,
            "country": p.country,
            "department_id": p.commune.department_id if p.commune else None,
            "latitude": p.latitude,
            "longitude": p.longitude,
        }
        state: State = "updated"
        if site is None:
            site, state = Site(organisation=org, is_main=True), "created"
        elif all(getattr(site, k) == v for k, v in values.items()):
            return "unchanged"
        for key, value in values.items():
            setattr(site, key, value)
        site._history_user = self.actor  # type: ignore[attr-defined]
        site.full_clean(exclude=["organisation"], validate_constraints=False)
        site.save()
        return state

    # --- machines ------------------------------------------------------------------------

    def import_machine(self, row: MachineRow, kind: str) -> None:
        lab = self.labs.get(row.lab_key)
        if lab is None:
            lab = self.labs[row.lab_key] = self.resolve_lab(row, kind)
        if isinstance(lab, RowProblem):
            self.report.problems.append(_problem(row.line, lab))
            return
        for ref in row.source_refs:
            try:
                with transaction.atomic():
                    state = self.save_machine(lab, row, ref)
            except ValidationError as exc:
                self.note(
                    row.line,
                    "skipped",
                    gettext_noop("The machine could not be saved: %(errors)s"),
                    errors=_errors(exc),
                )
                continue
            self.report.machines.add(state)

    def resolve_lab(self, row: MachineRow, kind: str) -> _Lab | RowProblem:
        """The labs.csv lab of that name, else the file's own lab (created when needed)."""
        known = self.known_lab(row, kind)
        if known is not None:
            self.report.organisations.add("unchanged")
            self.report.sites.add("unchanged")
            return known
        placement = self.placement(row.place, row.line)
        if isinstance(placement, RowProblem):
            return placement
        slug = fablabs.lab_slug_for_key(row.lab_key)
        try:
            with transaction.atomic():
                existing = self.orgs.get(slug)
                description = existing.description if existing else ""
                org, org_state = self.save_organisation(slug, row.lab_name, "", description)
                site_state = self.save_site(org, placement)
                if (org_state, site_state) != ("unchanged", "unchanged"):
                    refresh_search_text(org)
        except ValidationError as exc:
            self.orgs.pop(slug, None)
            return RowProblem(
                0,
                "skipped",
                gettext_noop("The lab could not be saved: %(errors)s"),
                {"errors": _errors(exc)},
            )
        self.report.organisations.add(org_state)
        self.report.sites.add(site_state)
        site = org.sites.order_by("-is_main", "pk").first()
        assert site is not None
        return org, site

    def known_lab(self, row: MachineRow, kind: str) -> _Lab | None:
        """A labs.csv lab: same name (and country, which the envelopes file lacks) or place."""
        index, labs = self.lab_index()
        lat, lon = row.place.latitude, row.place.longitude
        country = row.place.country if kind == "machines" else ""
        found = index.by_name(row.lab_name, country)
        if found:
            lab = fablabs.nearest(found, lat, lon)
            if len(found) > 1:
                self.note(
                    row.line,
                    "doubtful",
                    gettext_noop(
                        "%(count)s labs of labs.csv are named “%(lab)s”: attached to the nearest."
                    ),
                    count=len(found),
                    lab=row.lab_name,
                )
            return labs[lab.key]
        if kind == "envelopes" and lat is not None and lon is not None:
            near = index.near(lat, lon, SAME_PLACE_KM)
            if near:
                distance, lab = near[0]
                self.note(
                    row.line,
                    "doubtful",
                    gettext_noop(
                        "“%(facility)s” attached to the lab “%(lab)s”, %(metres)s m away."
                    ),
                    facility=row.lab_name,
                    lab=lab.name,
                    metres=round(distance * 1000),
                )
                return labs[lab.key]
        return None

    def lab_index(self) -> tuple[LabIndex, dict[int, _Lab]]:
        """The labs imported from labs.csv (slug fablabs-<source_id>) with their main site."""
        if self._index is None:
            labs: dict[int, _Lab] = {}
            orgs = {o.pk: o for o in self.orgs.values() if LABS_CSV_SLUG.match(o.slug)}
            for site in Site.objects.filter(organisation_id__in=orgs).order_by("-is_main", "pk"):
                labs.setdefault(site.organisation_id, (orgs[site.organisation_id], site))
            known = [
                KnownLab(org.pk, org.name, site.country, site.latitude, site.longitude)
                for org, site in labs.values()
            ]
            self._index = (LabIndex(known), labs)
        return self._index

    def save_machine(self, lab: _Lab, row: MachineRow, ref: str) -> State:
        """Create or update one machine; fields the source does not give keep their value."""
        org, site = lab
        machine = self.machines.get(ref)
        data = self.machine_input(machine, site, row)
        if machine is not None and machine.organisation_id == org.pk and _same(machine, data):
            return "unchanged"
        state: State = "updated" if machine is not None else "created"
        if machine is None:
            machine = Machine(organisation=org, source=fablabs.SOURCE, source_ref=ref)
        machine.organisation = org
        machine._history_user = self.actor  # type: ignore[attr-defined]
        save_machine(machine, data)
        self.machines[ref] = machine
        return state

    def machine_input(self, machine: Machine | None, site: Site, row: MachineRow) -> MachineInput:
        codes = {p.code for p in machine.processes.all()} if machine is not None else set()
        envelope = row.envelope
        status = MachineStatus.OPERATIONAL if machine is None else machine.status
        if row.operational is not None:
            status = MachineStatus.OPERATIONAL if row.operational else MachineStatus.DOWN
        data = MachineInput(
            name=row.name,
            site_id=site.pk,
            make=row.make,
            model=row.model,
            process_codes=sorted(codes | {row.process_code}),
            computer_controlled=row.computer_controlled,
            status=status,
            envelope_x_mm=envelope[0],
            envelope_y_mm=envelope[1],
            envelope_z_mm=envelope[2],
        )
        if machine is not None:
            _keep_unsourced(machine, data)
        return data


def _keep_unsourced(machine: Machine, data: MachineInput) -> None:
    """What a person added (serial number, materials…) survives a re-import."""
    data.serial_number = machine.serial_number
    data.year = machine.year
    data.materials = machine.material_codes()
    data.max_part_mass_kg = machine.max_part_mass_kg
    data.power_kw = machine.power_kw
    data.tolerance_class = machine.tolerance_class
    data.condition = machine.condition
    data.notes = machine.notes
    if data.envelope_x_mm is None:
        data.envelope_x_mm = machine.envelope_x_mm
    if data.envelope_y_mm is None:
        data.envelope_y_mm = machine.envelope_y_mm
    if data.envelope_z_mm is None:
        data.envelope_z_mm = machine.envelope_z_mm


def _same(machine: Machine, data: MachineInput) -> bool:
    """The fields an import sets are already as the file says."""
    return (
        machine.site_id == data.site_id
        and machine.name == data.name.strip()
        and machine.make == data.make.strip()
        and machine.model == data.model.strip()
        and {p.code for p in machine.processes.all()} == set(data.process_codes)
        and machine.computer_controlled == data.computer_controlled
        and machine.status == data.status
        and (machine.envelope_x_mm, machine.envelope_y_mm, machine.envelope_z_mm)
        == (data.envelope_x_mm, data.envelope_y_mm, data.envelope_z_mm)
    )

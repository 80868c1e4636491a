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
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.directory import permissions
from maillage.directory.actions.imports import ImportedPlace, save_imported_organisation
from maillage.directory.models import Organisation, OrganisationKind, Site, User
from maillage.equipment.actions import save_imported_machine
from maillage.equipment.fablabs.labs import KnownLab, LabIndex, nearest
from maillage.equipment.fablabs.reader import parse_file
from maillage.equipment.fablabs.rows import (
    SOURCE,
    FablabsFileError,
    LabRow,
    Level,
    MachineRow,
    RowProblem,
    lab_slug_for_key,
)
from maillage.equipment.imports.machines import machine_input, same
from maillage.equipment.imports.places import Placer
from maillage.equipment.imports.report import (
    ImportReport,
    Problem,
    Source,
    State,
    errors_text,
    problem_at,
    read_source,
    translate,
)
from maillage.equipment.models import Machine, Process
from maillage.equipment.taxonomy import read_fablabs_classes

# The description of an imported lab says where its capabilities come from; a description
# that no longer starts with this was written by a person and is left alone.
DESCRIPTION_PREFIX = "Capacités déclarées sur fablabs.io"
# An envelopes-file facility this close to a labs.csv lab is taken to be that lab.
SAME_PLACE_KM = 0.5
LABS_CSV_SLUG = re.compile(r"^fablabs-[0-9]+$")


def import_fablabs_file(
    source: Source, actor: User, *, dry_run: bool = False, file_name: str = ""
) -> ImportReport:
    """Import one labs.csv, machines.csv or machines_with_envelopes.csv file."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators import the fablabs.io directory."))
    name, data = read_source(source, file_name)
    try:
        parsed = parse_file(data, read_fablabs_classes())
    except FablabsFileError as exc:
        raise ValidationError({"file": [translate(exc.message, exc.params)]}) from None
    report = ImportReport(file_name=name, kind=parsed.kind, rows=parsed.rows, dry_run=dry_run)
    for problem in parsed.problems:
        report.problems.append(problem_at(problem.line, problem))
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


_Lab = tuple[Organisation, Site]


class _Importer:
    """Saves the rows of one file; holds what it already looked up, so each lab is one query."""

    def __init__(self, actor: User, report: ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.orgs = {o.slug: o for o in Organisation.objects.filter(slug__startswith="fablabs-")}
        self._machines: dict[str, Machine] | None = None
        self.labels = dict(Process.objects.values_list("code", "label_fr"))
        self.labs: dict[str, _Lab | RowProblem] = {}
        self._index: tuple[LabIndex, dict[int, _Lab]] | None = None
        self.placer = Placer(self.note)

    @property
    def machines(self) -> dict[str, Machine]:
        """Machines imported before, by source_ref; loaded once, for machines files only."""
        if self._machines is None:
            imported = Machine.objects.filter(source=SOURCE)
            self._machines = {
                m.source_ref: m for m in imported.prefetch_related("processes", "materials")
            }
        return self._machines

    def note(self, line: int, level: Level, message: str, **params: Any) -> None:
        self.report.problems.append(
            Problem(line, level, translate(message, {k: str(v) for k, v in params.items()}))
        )

    def skipped(self, line: int, message: str, exc: ValidationError) -> None:
        """A row left out because saving it was refused; `message` names the `errors`."""
        self.note(line, "skipped", message, errors=errors_text(exc))

    # --- labs ----------------------------------------------------------------------------

    def import_lab(self, row: LabRow) -> None:
        placement = self.placer.placement(row.place, row.line)
        if isinstance(placement, RowProblem):
            self.report.problems.append(problem_at(row.line, placement))
            return
        website = self.website(row.website, row.line)
        description = self.description(row.capability_codes)
        try:
            states = self.save_lab(row.slug, row.name, website, description, placement)
        except ValidationError as exc:
            self.skipped(row.line, gettext_noop("The lab could not be saved: %(errors)s"), exc)
            return
        self.report.organisations.add(states[0])
        self.report.sites.add(states[1])

    def save_lab(
        self, slug: str, name: str, website: str, description: str, place: ImportedPlace
    ) -> tuple[State, State]:
        """Create the lab, or update what the source owns: name, website, generated text."""
        org = self.orgs.get(slug)
        if org is not None:
            # Moderation, kind and a description written by a person are not the source's.
            if org.description and not org.description.startswith(DESCRIPTION_PREFIX):
                description = org.description
            website = website or org.website
        try:
            org, org_state, site_state = save_imported_organisation(
                self.actor,
                org,
                slug=slug,
                kind=OrganisationKind.FABLAB,
                name=name,
                website=website,
                description=description,
                place=place,
            )
        except ValidationError:
            self.orgs.pop(slug, None)
            raise
        self.orgs[slug] = org
        return org_state, site_state  # type: ignore[return-value]  # the action's three states

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

    # --- machines ------------------------------------------------------------------------

    def import_machine(self, row: MachineRow, kind: str) -> None:
        lab = self.labs.get(row.lab_key)
        if lab is None:
            lab = self.labs[row.lab_key] = self.resolve_lab(row, kind)
        if isinstance(lab, RowProblem):
            self.report.problems.append(problem_at(row.line, lab))
            return
        for ref in row.source_refs:
            try:
                state = self.save_machine(lab, row, ref)
            except ValidationError as exc:
                self.skipped(
                    row.line, gettext_noop("The machine could not be saved: %(errors)s"), exc
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
        placement = self.placer.placement(row.place, row.line)
        if isinstance(placement, RowProblem):
            return placement
        slug = lab_slug_for_key(row.lab_key)
        existing = self.orgs.get(slug)
        description = existing.description if existing else ""
        try:
            org_state, site_state = self.save_lab(slug, row.lab_name, "", description, placement)
        except ValidationError as exc:
            return RowProblem(
                0,
                "skipped",
                gettext_noop("The lab could not be saved: %(errors)s"),
                {"errors": errors_text(exc)},
            )
        self.report.organisations.add(org_state)
        self.report.sites.add(site_state)
        org = self.orgs[slug]
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
            lab = nearest(found, lat, lon)
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
        data = machine_input(machine, site, row)
        if machine is not None and machine.organisation_id == org.pk and same(machine, data):
            return "unchanged"
        state: State = "updated" if machine is not None else "created"
        self.machines[ref] = save_imported_machine(
            self.actor, org, machine, data, source=SOURCE, source_ref=ref
        )
        return state

"""Maintenance: the machine passport, as one viewer may read it.

`build_passport(machine, viewer)` gives a `Passport`: the machine's identity, its owners over
time, hours used, documents, its end of life, and a list of `PassportSection`s. The sections
come from `SECTIONS`, a list of `SectionSpec`s other topics extend: the plans topic fills the
"interventions", "retrofits" and "parts replaced" sections from its interventions and
retrofit projects.
Fields the owner keeps private (`PassportPrivacy`) are left out for anyone but the owner's
members and the coordinators; the page, the printable version and the API all read this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from maillage.directory import permissions
from maillage.equipment.models import Machine
from maillage.maintenance.models.passport import (
    DEFAULT_PRIVATE_FIELDS,
    OPEN_TRANSFER_STATES,
    Decommissioning,
    OwnershipPeriod,
    PassportField,
    PassportPrivacy,
    Transfer,
)
from maillage.maintenance.models.plans import Intervention, PartReplaced, RetrofitProject
from maillage.maintenance.queries.plans import meter_hours
from maillage.sharing.models import LIVE_STATES, Booking

# --- who may do what -------------------------------------------------------------------


def can_see_private(user: Any, machine: Machine) -> bool:
    """The owner's active members and the coordinators read the whole passport."""
    return permissions.can_edit_sites(user, machine.organisation)


def can_manage(user: Any, machine: Machine) -> bool:
    """Privacy, transfers and decommissioning belong to the owner's admins (and coordinators)."""
    return permissions.can_edit_organisation(user, machine.organisation)


# --- facts other actions check ----------------------------------------------------------


def hours_used(machine: Machine) -> Decimal:
    """The machine's meter: hours recorded at booking check-out plus the owner's own use."""
    return meter_hours(machine).quantize(Decimal("0.01"))


def bookings_to_come(machine: Machine, now: dt.datetime | None = None) -> int:
    """Live bookings that end after now: a transfer or a decommissioning waits for them."""
    return Booking.objects.filter(
        machine=machine, state__in=LIVE_STATES, end__gt=now or timezone.now()
    ).count()


def private_fields(machine: Machine) -> set[str]:
    privacy = PassportPrivacy.objects.filter(machine=machine).first()
    if privacy is None:
        return {str(f) for f in DEFAULT_PRIVATE_FIELDS}
    return set(privacy.private_fields)


def open_transfer(machine: Machine) -> Transfer | None:
    return (
        Transfer.objects.filter(machine=machine, state__in=OPEN_TRANSFER_STATES)
        .select_related("to_organisation", "from_organisation")
        .first()
    )


# --- the passport ------------------------------------------------------------------------


@dataclass
class PassportEntry:
    """One line of a section: a dated event with its details (label → readable value)."""

    title: str
    date: dt.date | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class PassportSection:
    key: str
    title: str
    entries: list[PassportEntry]


@dataclass(frozen=True)
class SectionSpec:
    """A section of the passport: its key, title, the privacy field hiding it, its builder."""

    key: str
    title: Any
    build: Callable[[Machine], list[PassportEntry]]
    privacy_field: str = ""


@dataclass
class Owner:
    holder: str
    organisation_slug: str | None
    started_on: dt.date | None
    ended_on: dt.date | None
    acquisition: str
    acquisition_label: str
    price_cents: int | None  # None when unknown or hidden


@dataclass
class Document:
    kind: str
    kind_label: str
    title: str
    href: str


@dataclass
class EndOfLife:
    decommissioned_on: dt.date
    destination: str
    destination_label: str
    recipient: str
    materials: list[dict[str, Any]]


@dataclass
class Passport:
    machine_id: int
    name: str
    make: str
    model: str
    year: int | None
    status: str
    organisation: str
    organisation_slug: str
    serial_number: str | None  # None: hidden from this viewer
    location: str | None
    hours_used: Decimal | None
    owners: list[Owner]
    documents: list[Document]
    sections: list[PassportSection]
    end_of_life: EndOfLife | None
    private_fields: list[str]  # what the owner keeps private
    hidden_fields: list[str]  # what this viewer does not see
    full_view: bool


def _euros(cents: int) -> str:
    return f"{number_format(Decimal(cents) / 100, 2, force_grouping=True)} €"


def _hours(value: Decimal | float) -> str:
    return f"{number_format(Decimal(value).normalize(), force_grouping=True)} h"


def _interventions(machine: Machine) -> list[PassportEntry]:
    entries = []
    for done in Intervention.objects.filter(machine=machine).select_related("repairer")[:200]:
        details = {str(_("hours spent")): _hours(done.hours_spent)}
        if done.cost_cents:
            details[str(_("cost"))] = _euros(done.cost_cents)
        if done.repairer:
            details[str(_("repairer"))] = done.repairer.name
        if done.notes:
            details[str(_("notes"))] = done.notes
        entries.append(
            PassportEntry(str(done.get_kind_display()), timezone.localdate(done.done_at), details)
        )
    return entries


def _retrofits(machine: Machine) -> list[PassportEntry]:
    entries = []
    for project in RetrofitProject.objects.filter(machine=machine).select_related("intervention"):
        details = {str(_("before")): project.before_state}
        if project.after_state:
            details[str(_("after"))] = project.after_state
        if project.cost_cents:
            details[str(_("cost"))] = _euros(project.cost_cents)
        if project.kwh_per_year_after is not None:
            details[str(_("energy measured after (kWh/year)"))] = number_format(
                project.kwh_per_year_after, 0, force_grouping=True
            )
        done_on = timezone.localdate(project.intervention.done_at)
        entries.append(PassportEntry(project.title, done_on, details))
    return entries


def _parts(machine: Machine) -> list[PassportEntry]:
    parts = PartReplaced.objects.filter(intervention__machine=machine).select_related(
        "intervention"
    )
    return [
        PassportEntry(
            part.name,
            timezone.localdate(part.intervention.done_at),
            {
                str(_("material")): str(part.get_material_display()),
                str(_("mass (kg)")): number_format(part.mass_kg, 2, force_grouping=True),
            },
        )
        for part in parts.order_by("-intervention__done_at")[:200]
    ]


# A topic that records more of a machine's life adds its section here.
SECTIONS: list[SectionSpec] = [
    SectionSpec("interventions", _("Interventions"), _interventions, PassportField.INTERVENTIONS),
    SectionSpec("retrofits", _("Retrofits"), _retrofits, PassportField.INTERVENTIONS),
    SectionSpec("parts_replaced", _("Parts replaced"), _parts, PassportField.INTERVENTIONS),
]


def passport_sections(machine: Machine, hidden: set[str]) -> list[PassportSection]:
    return [
        PassportSection(spec.key, str(spec.title), spec.build(machine))
        for spec in SECTIONS
        if spec.privacy_field not in hidden
    ]


def _owners(machine: Machine, hide_price: bool) -> list[Owner]:
    periods = list(OwnershipPeriod.objects.filter(machine=machine).select_related("organisation"))
    owners = [
        Owner(
            holder=p.holder,
            organisation_slug=p.organisation.slug if p.organisation else None,
            started_on=p.started_on,
            ended_on=p.ended_on,
            acquisition=p.acquisition,
            acquisition_label=p.get_acquisition_display(),
            price_cents=None if hide_price else p.price_cents,
        )
        for p in periods
    ]
    if not any(p.ended_on is None for p in periods) and not _decommissioned(machine):
        # No recorded period for today's owner yet: it holds the machine, since when unknown.
        owners.append(
            Owner(
                machine.organisation.name,
                machine.organisation.slug,
                None,
                None,
                "not_recorded",
                str(_("Not recorded")),
                None,
            )
        )
    return owners


def _decommissioned(machine: Machine) -> bool:
    return Decommissioning.objects.filter(machine=machine).exists()


def _end_of_life(machine: Machine) -> EndOfLife | None:
    record = Decommissioning.objects.filter(machine=machine).first()
    if record is None:
        return None
    return EndOfLife(
        record.decommissioned_on,
        record.destination,
        record.get_destination_display(),
        record.recipient,
        [
            {
                "material": m.material,
                "material_label": m.get_material_display(),
                "mass_kg": m.mass_kg,
                "waste_code": m.waste_code,
            }
            for m in record.materials.all()
        ],
    )


def build_passport(machine: Machine, viewer: Any) -> Passport:
    """The passport as this viewer may read it (the caller checked the machine is visible)."""
    full = can_see_private(viewer, machine)
    private = private_fields(machine)
    hidden = set() if full else private
    site = machine.site
    location = f"{site.place_name()} ({site.department_id})" if site.department_id else ""
    return Passport(
        machine_id=machine.pk,
        name=machine.name,
        make=machine.make,
        model=machine.model,
        year=machine.year,
        status=machine.status,
        organisation=machine.organisation.name,
        organisation_slug=machine.organisation.slug,
        serial_number=None if PassportField.SERIAL_NUMBER in hidden else machine.serial_number,
        location=None if PassportField.LOCATION in hidden else location or site.place_name(),
        hours_used=None if PassportField.HOURS in hidden else hours_used(machine),
        owners=_owners(machine, PassportField.PURCHASE_PRICE in hidden),
        documents=[
            Document(d.kind, d.get_kind_display(), d.title, d.href) for d in machine.documents.all()
        ],
        sections=passport_sections(machine, hidden),
        end_of_life=_end_of_life(machine),
        private_fields=sorted(private),
        hidden_fields=sorted(hidden),
        full_view=full,
    )

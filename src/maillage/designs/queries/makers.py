"""Who can make a design near a place: each part to make asked of the matching engine.

A part is asked once per process it needs (the engine answers one process at a time), with its
material and its outer dimensions (turning allowed). A part is makeable nearby when every one
of its processes has at least one machine in reach. Visitors see only the machines whose offer
is open to anyone registered (never those kept for the owner's organisation or the network's
members), so they never see more than a signed-in person; a signed-in person sees the machines
whose offer is open to them, as when booking. The share made within reach follows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.designs.makeable import PartReach, Share, share_makeable
from maillage.designs.models import Design, DesignPart
from maillage.directory.models import Membership, MembershipState, Organisation, Site
from maillage.equipment.models import Machine, Process
from maillage.matching.actions.needs import ask_engine, clean_need
from maillage.matching.convert import Checked, NeedInput, need_query
from maillage.matching.engine import Answer, Result
from maillage.matching.loader import CACHE, FreeSlots
from maillage.matching.queries import book_url, reason_label
from maillage.sharing.models import Audience, Offer

DEFAULT_RADIUS_KM = 50.0
WINDOW_DAYS = 30  # the machines' free time is looked for over the coming month
HOURS_PER_JOB = 1  # designs do not say how long a job takes: one machine hour each
TOP_MACHINES = 3


@dataclass
class Place:
    """Where the search is made from: a commune typed in, or the person's organisation's site."""

    commune: str = ""
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""


@dataclass
class MachineRow:
    machine: Machine
    organisation: Organisation
    site: Site
    distance_km: float
    book_url: str


@dataclass
class ProcessAnswer:
    process: Process
    machines: list[MachineRow]
    reason: str = ""  # the matching engine's reason code when nothing fits
    reason_label: str = ""
    nearest_km: float | None = None


@dataclass
class PartAnswer:
    part: DesignPart
    processes: list[ProcessAnswer] = field(default_factory=list)
    problem: str = ""  # said instead of asking the engine (no process given)

    @property
    def makeable(self) -> bool:
        return not self.problem and all(p.machines for p in self.processes)


@dataclass
class MakersAnswer:
    design: Design
    place: Place
    latitude: float
    longitude: float
    radius_km: float
    parts: list[PartAnswer]
    bought: list[DesignPart]
    share: Share


def default_place(user: Any) -> Place:
    """The main site of the person's first organisation, or an empty place."""
    if not user.is_authenticated:
        return Place()
    membership = (
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return Place()
    site = membership.organisation.sites.order_by("-is_main", "pk").first()
    if site is None:
        return Place()
    return Place(
        latitude=site.latitude,
        longitude=site.longitude,
        label=f"{membership.organisation.name} ({site.city})" if site.city else site.name,
    )


def parts_of(design: Design) -> list[DesignPart]:
    return list(design.parts.prefetch_related("processes__process").order_by("position", "pk"))


def part_input(
    part: DesignPart, process: Process, place: Place, radius_km: float, now: dt.datetime
) -> NeedInput:
    """The matching need for one process of a part, as the "I need…" search would send it."""
    sizes = (part.size_x_mm, part.size_y_mm, part.size_z_mm)
    known = None not in sizes
    return NeedInput(
        process_code=process.code,
        hours=HOURS_PER_JOB,
        earliest=now,
        deadline=now + dt.timedelta(days=WINDOW_DAYS),
        max_km=radius_km,
        commune=place.commune,
        latitude=place.latitude,
        longitude=place.longitude,
        label=f"{part.design.name} — {part.name}"[:200],
        material=part.material,
        part_x_mm=part.size_x_mm if known else None,
        part_y_mm=part.size_y_mm if known else None,
        part_z_mm=part.size_z_mm if known else None,
        allow_rotation=True,
        limit=TOP_MACHINES,
    )


class VisitorSlots(FreeSlots):
    """Free slots for a visitor: only machines whose offer is open to anyone registered."""

    def _may_book(self, machine: Machine, offer: Offer) -> bool:
        return offer.audience == Audience.REGISTERED


def _ask(data: NeedInput, checked: Checked, now: dt.datetime, user: Any) -> Answer:
    """The engine's answer: as when booking for a signed-in person, the widest audience only
    for a visitor (the matching loader lets an unknown booker see every offer)."""
    if user.is_authenticated:
        return ask_engine(data, checked, now=now, booker=user)
    index, taxonomy = CACHE.get()
    query = need_query(data, checked, node_of_code=taxonomy.node_of_code, limit=data.limit)
    return index.query(query, VisitorSlots(data.earliest, data.deadline, now=now))


def who_can_make(
    design: Design, user: Any, place: Place, radius_km: float = DEFAULT_RADIUS_KM
) -> MakersAnswer:
    """Per part to make, the nearest machines for each of its processes, and the share made
    within the radius. A ValidationError names the place or radius at fault."""
    now = timezone.now()
    parts = parts_of(design)
    # Check the place once, with any process: the errors then name the place, not a part.
    probe = Process.objects.order_by("position", "code").first()
    if probe is None:
        raise ValidationError({"process": _("The process list is empty.")})
    first = clean_need(part_input(DesignPart(design=design), probe, place, radius_km, now), now)
    located = Place(place.commune, first.latitude, first.longitude, place.label)
    if first.commune is not None and not located.label:
        located.label = first.commune.name
    answers: list[PartAnswer] = []
    bought: list[DesignPart] = []
    pending: list[tuple[ProcessAnswer, list[Result]]] = []
    for part in parts:
        if part.off_the_shelf:
            bought.append(part)
            continue
        answer = PartAnswer(part)
        processes = [pp.process for pp in part.processes.all()]
        if not processes:
            answer.problem = _("No process is given for this part.")
        for process in processes:
            data = part_input(part, process, located, radius_km, now)
            try:
                checked = clean_need(data, now)
            except ValidationError as exc:
                answer.problem = " ".join(exc.messages)
                break
            found = _ask(data, checked, now, user)
            process_answer = ProcessAnswer(process, [])
            pending.append((process_answer, found.results))
            if not found.results:
                process_answer.reason = found.unmet_reason
                process_answer.reason_label = reason_label(found.unmet_reason)
                if found.nearest_excluded:
                    process_answer.nearest_km = found.nearest_excluded[0][1]
            answer.processes.append(process_answer)
        answers.append(answer)
    machines = Machine.objects.select_related("organisation", "site").in_bulk(
        {r.machine_id for _answer, results in pending for r in results}
    )
    for process_answer, results in pending:
        for result in sorted(results, key=lambda r: (r.distance_km, r.machine_id)):
            machine = machines[result.machine_id]
            start = result.first_free
            end = start + dt.timedelta(hours=HOURS_PER_JOB) if start else None
            process_answer.machines.append(
                MachineRow(
                    machine,
                    machine.organisation,
                    machine.site,
                    result.distance_km,
                    book_url(machine.pk, start, end),
                )
            )
    share = share_makeable(
        PartReach(a.part.quantity, a.part.mass_g, False, a.makeable) for a in answers
    )
    return MakersAnswer(
        design,
        located,
        located.latitude or 0.0,
        located.longitude or 0.0,
        radius_km,
        answers,
        bought,
        share,
    )

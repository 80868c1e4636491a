"""Build the engine's index from the database, keep it per worker, refresh it on change."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.utils import timezone

from maillage.directory.models import Membership, MembershipState, OrganisationStatus, User
from maillage.equipment.models import Machine, MachineMaterial, MachineStatus, Material, Process
from maillage.matching.engine import MachineIndex, MachineRecord
from maillage.sharing import availability
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    Downtime,
    ExceptionKind,
    Mode,
    Offer,
    OpeningWindow,
)
from maillage.sharing.permissions import check_audience
from maillage.sharing.schedule import choose_windows

STATUS_CODES: dict[str, int] = {
    MachineStatus.OPERATIONAL: 0,
    MachineStatus.DEGRADED: 1,
    MachineStatus.DOWN: 2,
    MachineStatus.RETIRED: 3,
}
TOLERANCE_RANKS = {"f": 0, "m": 1, "c": 2, "v": 3}
MATERIAL_BITS = {code: 1 << i for i, code in enumerate(Material.values)}
REFRESH_EVERY_S = 1.0


@dataclass(frozen=True)
class Taxonomy:
    node_of_code: dict[str, int]
    ancestors: dict[int, frozenset[int]]  # process pk → node indices of itself and its ancestors


def load_taxonomy() -> Taxonomy:
    processes = list(Process.objects.only("pk", "code", "path").order_by("position", "code"))
    node_of_code = {p.code: i for i, p in enumerate(processes)}
    ancestors = {
        p.pk: frozenset(node_of_code[c] for c in p.path.split("|") if c in node_of_code)
        for p in processes
    }
    return Taxonomy(node_of_code, ancestors)


def shareable_machines() -> list[MachineRecord]:
    """Every public machine with an active offer, as engine records."""
    taxonomy = load_taxonomy()
    processes: dict[int, set[int]] = {}
    for machine_id, process_id in Machine.processes.through.objects.filter(
        machine__offer__active=True
    ).values_list("machine_id", "process_id"):
        processes.setdefault(machine_id, set()).update(taxonomy.ancestors.get(process_id, ()))
    materials: dict[int, int] = {}
    for machine_id, material in MachineMaterial.objects.filter(
        machine__offer__active=True
    ).values_list("machine_id", "material"):
        materials[machine_id] = materials.get(machine_id, 0) | MATERIAL_BITS.get(material, 0)
    rows = (
        Machine.objects.filter(
            offer__active=True, organisation__status=OrganisationStatus.VALIDATED
        )
        .exclude(status=MachineStatus.RETIRED)
        .values_list(
            "pk",
            "site__latitude",
            "site__longitude",
            "envelope_x_mm",
            "envelope_y_mm",
            "envelope_z_mm",
            "status",
            "tolerance_class",
            "offer__price_member_cents",
            "offer__fixed_fee_cents",
            "offer__mode",
            "organisation_id",
        )
    )
    records = []
    for pk, lat, lon, ex, ey, ez, status, tolerance, rate, fee, mode, org_id in rows.iterator():
        envelope = (ex, ey, ez) if ex is not None and ey is not None and ez is not None else None
        records.append(
            MachineRecord(
                machine_id=pk,
                latitude=lat,
                longitude=lon,
                process_nodes=frozenset(processes.get(pk, ())),
                materials=materials.get(pk, 0),
                envelope=envelope,
                status=STATUS_CODES.get(status, 3),
                tolerance_rank=TOLERANCE_RANKS.get(tolerance, 9),
                rate_cents=rate or 0,
                fixed_fee_cents=fee or 0,
                with_operator=mode == Mode.WITH_OPERATOR,
                organisation_id=org_id,
            )
        )
    return records


def _stamp() -> tuple[object, ...]:
    machines = Machine.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    offers = Offer.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    processes = Process.objects.aggregate(n=Count("pk"))
    return (machines["n"], machines["last"], offers["n"], offers["last"], processes["n"])


@dataclass(frozen=True)
class IndexStatus:
    """What health checks and metrics say of this process's matching index."""

    built_at: dt.datetime | None  # last full build; None: never built in this process
    machines: int  # machines in the index
    build_seconds: float | None  # duration of the last full build
    checked_at: dt.datetime | None  # last time the index was compared with the database


class _Cache:
    """One index per worker process, rebuilt when machines, offers or processes change."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: MachineIndex | None = None
        self.taxonomy: Taxonomy | None = None
        self.stamp: tuple[object, ...] | None = None
        self.checked_at = 0.0
        self.built_at: dt.datetime | None = None
        self.build_seconds: float | None = None
        self.checked_wall: dt.datetime | None = None

    def get(self) -> tuple[MachineIndex, Taxonomy]:
        with self.lock:
            now = time.monotonic()
            if self.index is None or now - self.checked_at > REFRESH_EVERY_S:
                stamp = _stamp()
                self.checked_at = now
                self.checked_wall = timezone.now()
                if stamp != self.stamp or self.index is None:
                    started = time.perf_counter()
                    self.taxonomy = load_taxonomy()
                    self.index = MachineIndex(shareable_machines(), len(self.taxonomy.node_of_code))
                    self.stamp = stamp
                    self.build_seconds = time.perf_counter() - started
                    self.built_at = timezone.now()
            assert self.taxonomy is not None
            return self.index, self.taxonomy

    def clear(self) -> None:
        with self.lock:
            self.index = None
            self.stamp = None

    def status(self) -> IndexStatus:
        return IndexStatus(
            built_at=self.built_at,
            machines=len(self.index) if self.index is not None else 0,
            build_seconds=self.build_seconds,
            checked_at=self.checked_wall,
        )


CACHE = _Cache()


def index_status() -> IndexStatus:
    """This process's index: when built, how big, how long it took, when last checked."""
    return CACHE.status()


class FreeSlots:
    """The engine's free-time callback, loading bookings and downtimes of many machines at once.

    A slot it proposes is one the booking would accept at `now`: the offer's duration limits,
    notice, horizon and buffer, the opening hours, closures, bookings and downtimes, and (for a
    known booker) who may book, all checked by the same code as `request_booking`.
    """

    def __init__(
        self,
        earliest: dt.datetime,
        deadline: dt.datetime,
        *,
        now: dt.datetime | None = None,
        booker: User | None = None,
    ) -> None:
        self.now = now or timezone.now()
        self.earliest = max(earliest, self.now)
        self.deadline = deadline
        self.booker = booker if booker is not None and booker.is_authenticated else None
        self.booker_orgs: tuple[int, ...] | None = None
        self.busy: dict[int, list[availability.Interval]] = {}
        self.buffers: dict[int, int] = {}
        self.rules: dict[int, availability.Rules] = {}
        self.machines: dict[int, Machine] = {}
        self.refused: set[int] = set()  # no offer, or not for this booker: never free
        self.opening: dict[int, list[availability.Interval]] = {}

    def prepare(self, machine_ids: list[int]) -> None:
        wanted = [m for m in machine_ids if m not in self.machines and m not in self.refused]
        if not wanted:
            return
        for machine in Machine.objects.filter(pk__in=wanted).select_related("offer"):
            offer = getattr(machine, "offer", None)
            if offer is None or not self._may_book(machine, offer):
                self.refused.add(machine.pk)
                continue
            self.machines[machine.pk] = machine
            self.rules[machine.pk] = availability.Rules(
                min_minutes=offer.min_minutes,
                max_minutes=offer.max_minutes,
                buffer_minutes=offer.buffer_minutes,
                min_notice_minutes=offer.min_notice_minutes,
                horizon_days=offer.horizon_days,
            )
            self.buffers[machine.pk] = offer.buffer_minutes
            self.busy.setdefault(machine.pk, [])
        loaded = [m for m in wanted if m in self.machines]
        if not loaded:
            return
        # A slot ending at the deadline keeps its buffer clear of what starts just after.
        until = self.deadline + dt.timedelta(minutes=max(self.buffers[m] for m in loaded))
        for b in Booking.objects.filter(
            machine_id__in=loaded,
            state__in=LIVE_STATES,
            start__lt=until,
            blocked_until__gt=self.earliest,
        ).values_list("machine_id", "start", "blocked_until"):
            self.busy[b[0]].append(availability.Interval(b[1], b[2]))
        far = until + dt.timedelta(days=3650)
        for machine_id, start, end in Downtime.objects.filter(
            machine_id__in=loaded, start__lt=until
        ).values_list("machine_id", "start", "end"):
            if end is None or end > self.earliest:
                self.busy[machine_id].append(availability.Interval(start, end or far))
        self._load_opening([self.machines[m] for m in loaded])

    def _may_book(self, machine: Machine, offer: Offer) -> bool:
        """Whether the booker is in the offer's audience (anyone, when nobody is signed in)."""
        if self.booker is None:
            return True
        if self.booker_orgs is None:
            self.booker_orgs = tuple(
                Membership.objects.filter(
                    user=self.booker,
                    state=MembershipState.ACTIVE,
                    organisation__status=OrganisationStatus.VALIDATED,
                ).values_list("organisation_id", flat=True)
            )
        try:
            check_audience(self.booker, offer.audience, machine.organisation_id, self.booker_orgs)
        except PermissionDenied:
            return False
        return True

    def _load_opening(self, machines: list[Machine]) -> None:
        """Opening hours and exceptions of many machines in two queries (same rules as schedule)."""
        site_ids = {m.site_id for m in machines}
        machine_ids = {m.pk for m in machines}
        windows = list(
            OpeningWindow.objects.filter(Q(machine_id__in=machine_ids) | Q(site_id__in=site_ids))
        )
        exceptions = list(
            AvailabilityException.objects.filter(
                Q(machine_id__in=machine_ids) | Q(site_id__in=site_ids),
                start__lt=self.deadline,
                end__gt=self.earliest,
            )
        )
        for machine in machines:
            weekly = choose_windows(
                [
                    (w.machine_id, availability.WeeklyWindow(w.weekday, w.start, w.end))
                    for w in windows
                    if w.machine_id == machine.pk
                    or (w.machine_id is None and w.site_id == machine.site_id)
                ]
            )
            mine = [
                e for e in exceptions if e.machine_id == machine.pk or e.site_id == machine.site_id
            ]
            self.opening[machine.pk] = availability.opening_intervals(
                weekly,
                self.earliest,
                self.deadline,
                [
                    availability.Interval(e.start, e.end)
                    for e in mine
                    if e.kind == ExceptionKind.OPENING
                ],
                [
                    availability.Interval(e.start, e.end)
                    for e in mine
                    if e.kind == ExceptionKind.CLOSURE
                ],
            )

    def __call__(
        self,
        machine_id: int,
        duration: dt.timedelta,
        earliest: dt.datetime | None,
        deadline: dt.datetime | None,
    ) -> dt.datetime | None:
        self.prepare([machine_id])
        machine = self.machines.get(machine_id)
        if machine is None:
            return None
        slot = availability.earliest_slot(
            duration,
            max(earliest or self.earliest, self.earliest),
            min(deadline or self.deadline, self.deadline),
            self.now,
            self.rules[machine_id],
            self.opening.get(machine_id, []),
            self.busy.get(machine_id, []),
        )
        return slot.start if slot else None

    def free_hours(self, machine_id: int) -> float:
        """Free machine time between earliest and deadline, for batch capacities."""
        self.prepare([machine_id])
        machine = self.machines.get(machine_id)
        if machine is None:
            return 0.0
        free = availability.free_intervals(
            self.opening.get(machine_id, []),
            self.busy.get(machine_id, []),
            self.buffers.get(machine_id, 0),
        )
        return sum((i.end - i.start).total_seconds() for i in free) / 3600

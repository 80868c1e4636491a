"""Writes of a need: check it, rank the machines for it, record it with its answer."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.validators import single_line_errors
from maillage.directory.geocode import find_commune
from maillage.directory.models import Commune, Membership, MembershipState, User
from maillage.equipment.models import Machine, Material, Process, ToleranceClass
from maillage.matching import engine
from maillage.matching.convert import Checked, NeedInput, criteria, need_query
from maillage.matching.loader import CACHE, FreeSlots
from maillage.matching.models import AllocationRun, Need, NeedStatus, OperatorChoice
from maillage.qualifications.equivalence import Missing, missing_trainings
from maillage.qualifications.models import Training

MAX_WINDOW_DAYS = 366


@dataclass
class Match:
    """One ranked machine with everything the page says about it."""

    machine: Machine
    result: engine.Result
    missing: list[Missing] = field(default_factory=list)


def clean_need(data: NeedInput, now: dt.datetime) -> Checked:
    """Check every field; a ValidationError names each field at fault."""
    errors: dict[str, list[str]] = single_line_errors(label=data.label, commune=data.commune)
    process = Process.objects.filter(code=data.process_code.strip()).first()
    if process is None:
        errors["process"] = [
            _("Unknown process code: %(code)s.") % {"code": data.process_code or "—"}
        ]
    try:
        hours = Decimal(str(data.hours).replace(",", "."))
        if not hours.is_finite() or hours <= 0:
            errors["hours"] = [_("Give a positive number of machine hours.")]
    except (InvalidOperation, ValueError):
        errors["hours"] = [_("Give a positive number of machine hours.")]
        hours = Decimal(0)
    if timezone.is_naive(data.earliest) or timezone.is_naive(data.deadline):
        errors["earliest"] = [_("Give dates with their time zone.")]
    elif data.deadline <= data.earliest:
        errors["deadline"] = [_("The deadline must come after the earliest start.")]
    elif data.deadline < now:
        errors["deadline"] = [_("The deadline is already past.")]
    elif data.deadline - data.earliest > dt.timedelta(days=MAX_WINDOW_DAYS):
        errors["deadline"] = [_("Look at most a year ahead.")]
    elif "hours" not in errors and hours * 3600 > Decimal(
        (data.deadline - data.earliest).total_seconds()
    ):
        errors["hours"] = [_("More hours than the window between start and deadline.")]
    if not (math.isfinite(data.max_km) and data.max_km > 0):
        errors["max_km"] = [_("Give a distance above 0 km.")]
    elif data.max_km > 2000:
        errors["max_km"] = [_("Look within 2,000 km at most.")]
    if data.material and data.material not in Material.values:
        errors["material"] = [_("Unknown material: %(m)s.") % {"m": data.material}]
    if data.tolerance_class and data.tolerance_class not in ToleranceClass.values:
        errors["tolerance_class"] = [_("Use an ISO 2768 class: f, m, c or v.")]
    if data.operator not in OperatorChoice.values:
        errors["operator"] = [_("Unknown choice.")]
    for name in ("part_x_mm", "part_y_mm", "part_z_mm"):
        value = getattr(data, name)
        if value is not None and not (math.isfinite(value) and value > 0):
            errors[name] = [_("A dimension must be a positive number of millimetres.")]
    if data.budget_cents_per_hour is not None and data.budget_cents_per_hour < 0:
        errors["budget"] = [_("The budget cannot be negative.")]
    for name in ("weight_distance", "weight_price", "weight_impact"):
        if not 0 <= getattr(data, name) <= 10:
            errors[name] = [_("A weight goes from 0 to 10.")]
    commune = None
    lat, lon = data.latitude, data.longitude
    if lat is None or lon is None:
        commune = find_commune(data.commune) if data.commune.strip() else None
        if commune is None:
            errors["commune"] = [
                _("No French commune matches “%(text)s”.") % {"text": data.commune}
                if data.commune.strip()
                else _("Say where: a commune, a postal code or coordinates.")
            ]
        else:
            lat, lon = commune.latitude, commune.longitude
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["latitude"] = [_("Coordinates off the globe.")]
    if errors:
        raise ValidationError(errors)
    assert process is not None and lat is not None and lon is not None
    return Checked(process, commune, lat, lon, hours)


def ask_engine(
    data: NeedInput,
    checked: Checked,
    *,
    now: dt.datetime | None = None,
    booker: User | None = None,
) -> engine.Answer:
    """The engine's answer for a checked need, with slots `booker` could book at `now`."""
    index, taxonomy = CACHE.get()
    query = need_query(data, checked, node_of_code=taxonomy.node_of_code, limit=data.limit)
    return index.query(query, FreeSlots(data.earliest, data.deadline, now=now, booker=booker))


def find_machines(
    actor: User, data: NeedInput, *, record: bool = True, now: dt.datetime | None = None
) -> tuple[Need | None, list[Match]]:
    """Rank the capable, free machines for a need; record it (and why nothing fits).

    Each machine's first free slot is one `actor` could book at `now` (default: the clock).
    """
    now = now or timezone.now()
    checked = clean_need(data, now)
    answer = ask_engine(data, checked, now=now, booker=actor)
    trainings = Training.objects.select_related("organisation", "trainer", "process", "machine")
    machines = (
        Machine.objects.select_related("organisation", "site", "offer")
        .prefetch_related("processes", Prefetch("offer__required_trainings", queryset=trainings))
        .in_bulk([r.machine_id for r in answer.results])
    )
    matches = []
    for result in answer.results:
        machine = machines[result.machine_id]
        missing: list[Missing] = []
        offer = getattr(machine, "offer", None)
        if actor.is_authenticated and offer is not None:
            missing = missing_trainings(actor, offer, result.first_free or data.deadline)
        matches.append(Match(machine, result, missing))
    need = None
    if record and actor.is_authenticated:
        need = record_need(actor, data, checked, answer)
    return need, matches


def record_need(
    actor: User,
    data: NeedInput,
    checked: Checked,
    answer: engine.Answer,
    batch: AllocationRun | None = None,
) -> Need:
    """Record a checked need with the engine's answer (a batch's needs: an empty one)."""
    commune, lat, lon = checked.commune, checked.latitude, checked.longitude
    membership = (
        Membership.objects.filter(user=actor, state=MembershipState.ACTIVE)
        .select_related("organisation")
        .first()
    )
    department_id = commune.department_id if commune else None
    if department_id is None:
        nearest = find_commune_near(lat, lon)
        department_id = nearest.department_id if nearest else None
    nearest_km = answer.nearest_excluded[0][1] if answer.nearest_excluded else None
    with transaction.atomic():
        return Need.objects.create(
            requester=actor,
            organisation=membership.organisation if membership else None,
            batch=batch,
            label=data.label.strip()[:200],
            process=checked.process,
            hours=checked.hours,
            earliest=data.earliest,
            deadline=data.deadline,
            commune=commune,
            latitude=lat,
            longitude=lon,
            department_id=department_id,
            **criteria(data),
            status=NeedStatus.MATCHED if answer.results else NeedStatus.UNMET,
            unmet_reason="" if answer.results else answer.unmet_reason,
            nearest_km=None if answer.results else nearest_km,
            result_count=len(answer.results),
        )


def find_commune_near(lat: float, lon: float) -> Commune | None:
    """The commune whose point is nearest, among those within a small box (for departments)."""
    box = Commune.objects.filter(
        latitude__range=(lat - 0.1, lat + 0.1), longitude__range=(lon - 0.15, lon + 0.15)
    )
    return min(box, key=lambda c: (c.latitude - lat) ** 2 + (c.longitude - lon) ** 2, default=None)

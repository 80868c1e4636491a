"""Reads of the matching domain: results as pages and the API show them, unmet demand, runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.dates import PARIS, day_end, day_start
from maillage.directory.geocode import find_commune
from maillage.directory.models import Department, Organisation, Site, User
from maillage.equipment.models import Machine, Process
from maillage.matching.actions.needs import Match, ask_engine, clean_need
from maillage.matching.convert import NeedInput
from maillage.matching.models import AllocationRun, Need, NeedStatus, UnmetReason
from maillage.sharing.pricing import format_euros

# --- the ranked results of one need ----------------------------------------------------


@dataclass
class MissingRow:
    """A qualification the person lacks for a machine, and who trains for it."""

    training_id: int
    title: str
    reason: str  # never | expired | lapsed
    message: str
    given_by: str
    given_by_url: str
    trainer: str
    url: str  # the training's page, or ""


@dataclass
class ResultRow:
    """One ranked machine with every figure the page and the API explain it with."""

    rank: int
    machine: Machine
    organisation: Organisation
    site: Site
    distance_km: float
    cost_cents: int
    machine_cents: int
    transport_cents: int
    rate_cents: int  # the network-member hourly price the estimate uses
    fee_cents: int
    co2_kg: float
    score: float
    first_free: dt.datetime | None
    slot_start: dt.datetime | None
    slot_end: dt.datetime | None
    book_url: str
    missing: list[MissingRow] = field(default_factory=list)


def _reverse(name: str, *args: Any) -> str:
    """A URL, or "" while the page it names is not part of the site."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def book_url(machine_id: int, start: dt.datetime | None, end: dt.datetime | None) -> str:
    base = _reverse("sharing:book", machine_id)
    if not base or start is None or end is None:
        return base
    return (
        base
        + "?"
        + urlencode(
            {
                "start": start.astimezone(PARIS).isoformat(timespec="minutes"),
                "end": end.astimezone(PARIS).isoformat(timespec="minutes"),
            }
        )
    )


def _missing_row(missing: Any) -> MissingRow:
    training = missing.training
    return MissingRow(
        training_id=training.pk,
        title=training.title,
        reason=missing.reason,
        message=missing.message(),
        given_by=training.organisation.name,
        given_by_url=training.organisation.get_absolute_url(),
        trainer=training.trainer.display_name() if training.trainer else "",
        url=_reverse("trainings:detail", training.pk),
    )


def result_rows(matches: list[Match], hours: Decimal | float | str) -> list[ResultRow]:
    """The matches of `find_machines`, each with its slot, booking link and explanations."""
    duration = dt.timedelta(hours=float(Decimal(str(hours).replace(",", "."))))
    rows = []
    for rank, match in enumerate(matches, start=1):
        r, machine = match.result, match.machine
        # The engine's slot is already one the booking accepts (`FreeSlots`): keep it as is.
        start = r.first_free
        end = start + duration if start else None
        offer = getattr(machine, "offer", None)
        rows.append(
            ResultRow(
                rank=rank,
                machine=machine,
                organisation=machine.organisation,
                site=machine.site,
                distance_km=r.distance_km,
                cost_cents=r.cost_cents,
                machine_cents=r.cost_cents - r.transport_cents,
                transport_cents=r.transport_cents,
                rate_cents=offer.price_member_cents if offer else 0,
                fee_cents=offer.fixed_fee_cents if offer else 0,
                co2_kg=r.co2_kg,
                score=r.score,
                first_free=r.first_free,
                slot_start=start,
                slot_end=end,
                book_url=book_url(machine.pk, start, end),
                missing=[_missing_row(m) for m in match.missing],
            )
        )
    return rows


def reason_label(code: str) -> str:
    if code in UnmetReason.values:
        return str(UnmetReason(code).label)
    return _("No machine fits") if code else ""


@dataclass
class Outcome:
    """Why nothing fits: the rule that excluded the nearest machines, and how far they are."""

    reason: str
    label: str
    nearest_km: float | None


def unmet_outcome(need: Need | None, data: NeedInput) -> Outcome:
    """From the recorded need, or (search not recorded) from the engine asked once more."""
    if need is not None:
        return Outcome(need.unmet_reason, reason_label(need.unmet_reason), need.nearest_km)
    answer = ask_engine(data, clean_need(data, timezone.now()))
    reason = answer.unmet_reason if not answer.results else ""
    nearest = answer.nearest_excluded[0][1] if answer.nearest_excluded else None
    return Outcome(reason, reason_label(reason), nearest)


def search_point(need: Need | None, data: NeedInput) -> tuple[float, float] | None:
    if need is not None:
        return need.latitude, need.longitude
    if data.latitude is not None and data.longitude is not None:
        return data.latitude, data.longitude
    commune = find_commune(data.commune) if data.commune.strip() else None
    return (commune.latitude, commune.longitude) if commune else None


def results_geojson(
    rows: list[ResultRow], point: tuple[float, float] | None, max_km: float
) -> dict[str, Any]:
    """The results for need-map.js: numbered markers, and where the search was made."""
    features = []
    for row in rows:
        lines = [
            row.organisation.name,
            _("%(km)s km") % {"km": f"{row.distance_km:.1f}".replace(".", ",")},
            _("about %(cost)s") % {"cost": format_euros(row.cost_cents)},
        ]
        if row.slot_start:
            when = row.slot_start.astimezone(PARIS).strftime("%d/%m %H:%M")
            lines.append(_("free from %(when)s") % {"when": when})
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [row.site.longitude, row.site.latitude],
                },
                "properties": {
                    "id": row.machine.pk,
                    "label": str(row.rank),
                    "title": row.machine.name,
                    "url": row.machine.get_absolute_url(),
                    "lines": lines,
                    "action_url": row.book_url,
                    "action_text": _("Book this slot") if row.slot_start else "",
                },
            }
        )
    data: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if point is not None:
        data["origin"] = {"lat": point[0], "lon": point[1], "radius_km": max_km}
    return data


# --- a person's needs ------------------------------------------------------------------


def needs_of(user: User) -> QuerySet[Need]:
    return (
        Need.objects.filter(requester=user)
        .select_related("process", "commune", "batch", "allocated_machine")
        .order_by("-created_at", "-pk")
    )


def search_again_query(need: Need) -> str:
    """The "J'ai besoin de…" form's query string for a recorded need."""
    params: dict[str, Any] = {
        "process": need.process.code,
        "label": need.label,
        "material": need.material,
        "tolerance_class": need.tolerance_class,
        "hours": f"{need.hours.normalize():f}",
        "operator": need.operator,
        "earliest": need.earliest.astimezone(PARIS).date().isoformat(),
        "deadline": (need.deadline.astimezone(PARIS) - dt.timedelta(seconds=1)).date().isoformat(),
        "commune": need.commune.name if need.commune else "",
        "max_km": f"{need.max_km:g}",
        "weight_distance": f"{need.weight_distance:g}",
        "weight_price": f"{need.weight_price:g}",
        "weight_impact": f"{need.weight_impact:g}",
    }
    for name in ("part_x_mm", "part_y_mm", "part_z_mm"):
        value = getattr(need, name)
        if value is not None:
            params[name] = f"{value:g}"
    if need.allow_rotation:
        params["allow_rotation"] = "on"
    if need.budget_cents_per_hour is not None:
        params["budget"] = f"{need.budget_cents_per_hour / 100:g}"
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


# --- unmet demand ----------------------------------------------------------------------


def unmet_needs(since: dt.date | None = None, until: dt.date | None = None) -> QuerySet[Need]:
    """Needs nothing fitted, between two days (included). Batch needs count once allocated:
    before that their outcome is not known."""
    qs = Need.objects.filter(status=NeedStatus.UNMET).filter(
        Q(batch__isnull=True) | Q(batch__state=AllocationRun.State.DONE)
    )
    if since is not None:
        qs = qs.filter(created_at__gte=day_start(since))
    if until is not None:
        qs = qs.filter(created_at__lt=day_end(until))
    return qs


@dataclass
class UnmetRow:
    process_code: str
    process_label: str
    department_code: str
    department_name: str
    count: int
    reason: str
    reason_label: str
    reasons: list[tuple[str, str, int]]  # (code, label, count), most frequent first


def unmet_table(needs: QuerySet[Need]) -> list[UnmetRow]:
    """Unmet needs counted by process × department, with the reason that excluded most."""
    groups: dict[tuple[int, str], Counter[str]] = {}
    for process_id, department_id, reason, n in (
        needs.order_by()
        .values_list("process_id", "department_id", "unmet_reason")
        .annotate(n=Count("pk"))
    ):
        groups.setdefault((process_id, department_id or ""), Counter())[reason] += n
    processes = Process.objects.in_bulk({p for p, _d in groups})
    departments = Department.objects.in_bulk({d for _p, d in groups if d})
    rows = []
    for (process_id, department_id), reasons in groups.items():
        process = processes[process_id]
        department = departments.get(department_id)
        ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        rows.append(
            UnmetRow(
                process_code=process.code,
                process_label=process.label,
                department_code=department_id,
                department_name=department.name if department else "",
                count=sum(reasons.values()),
                reason=ranked[0][0],
                reason_label=reason_label(ranked[0][0]),
                reasons=[(code, reason_label(code), n) for code, n in ranked],
            )
        )
    rows.sort(key=lambda r: (-r.count, r.process_code, r.department_code or "~"))
    return rows


def unmet_geojson(needs: QuerySet[Need], max_points: int = 4000) -> dict[str, Any]:
    """Unmet needs grouped by place (about a kilometre), the largest groups first."""
    places: dict[tuple[float, float], dict[str, Any]] = {}
    rows = needs.order_by().values_list(
        "latitude", "longitude", "process_id", "unmet_reason", "commune__name", "department_id"
    )
    for lat, lon, process_id, reason, commune, department in rows.iterator():
        key = (round(lat, 2), round(lon, 2))
        place = places.setdefault(
            key,
            {
                "n": 0,
                "lat": 0.0,
                "lon": 0.0,
                "processes": Counter(),
                "reasons": Counter(),
                "names": Counter(),
            },
        )
        place["n"] += 1
        place["lat"] += lat
        place["lon"] += lon
        place["processes"][process_id] += 1
        place["reasons"][reason] += 1
        place["names"][commune or department or ""] += 1
    chosen = sorted(places.values(), key=lambda p: -p["n"])[:max_points]
    labels = dict(
        (p.pk, p.label)
        for p in Process.objects.filter(
            pk__in={pid for p in chosen for pid in p["processes"]}
        ).only("pk", "label_fr", "label_en")
    )
    features = []
    for place in chosen:
        n = place["n"]
        reason = place["reasons"].most_common(1)[0][0]
        lines = [
            f"{labels.get(pid, '?')} ({count})" for pid, count in place["processes"].most_common(3)
        ]
        lines.append(_("Mostly: %(reason)s") % {"reason": reason_label(reason)})
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(place["lon"] / n, 4), round(place["lat"] / n, 4)],
                },
                "properties": {
                    "count": n,
                    "label": str(n),
                    "title": place["names"].most_common(1)[0][0],
                    "reason": reason,
                    "lines": lines,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "total": sum(p["n"] for p in places.values()),
        "features": features,
    }


# --- batch runs ------------------------------------------------------------------------


def batch_runs() -> QuerySet[AllocationRun]:
    return (
        AllocationRun.objects.select_related("created_by")
        .annotate(
            need_count=Count("needs"),
            allocated_count=Count("needs", filter=Q(needs__allocated_machine__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


@dataclass
class BatchLine:
    need: Need
    slot_end: dt.datetime | None
    reason_label: str


def batch_lines(run: AllocationRun) -> list[BatchLine]:
    needs = (
        Need.objects.filter(batch=run)
        .select_related("process", "commune", "allocated_machine__organisation")
        .order_by("pk")
    )
    lines = []
    done = run.state == AllocationRun.State.DONE
    for need in needs:
        end = None
        if need.allocated_start is not None:
            end = need.allocated_start + dt.timedelta(hours=float(need.hours))
        allocated = need.allocated_machine_id is not None
        lines.append(
            BatchLine(need, end, reason_label(need.unmet_reason) if done and not allocated else "")
        )
    return lines

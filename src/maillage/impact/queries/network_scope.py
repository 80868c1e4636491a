"""What the network's figures are about: the period, department, process or organisation asked
for, checked once, and the rows each figure reads within it.

- `network_filters` checks what a page, a CSV link or an API call asked for and raises a
  `ValidationError` naming the field (`from`, `to`, `department`, `process`) when it cannot be
  answered; every figure then takes the `NetworkFilters` it returns.
- The public network counts the machines of validated organisations; a figure restricted to one
  organisation (its own page, later) counts that organisation's machines whatever its status.
- A machine is in a department when its site is; it does a process when it is tagged with that
  process or one of its descendants (the taxonomy's `path`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ASin, Cast, Coalesce, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.geo import EARTH_RADIUS_KM
from maillage.directory.models import Department, Organisation, OrganisationStatus
from maillage.equipment.models import Machine, Process
from maillage.impact.factors import FactorSet, FactorValue
from maillage.impact.queries.factors import override_values
from maillage.matching.models import Need
from maillage.sharing.models import Booking, BookingState

P = ParamSpec("P")
R = TypeVar("R")

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_MONTHS = 120  # ten years: a chart of more months is no longer readable


@dataclass(frozen=True)
class Coverage:
    """How many of the records a figure is about it could use (known of total)."""

    known: int
    total: int

    @property
    def share(self) -> float | None:
        return self.known / self.total if self.total else None


@dataclass(frozen=True)
class NetworkFilters:
    """A checked question: a period (both days included) and optional narrowing."""

    start: dt.date
    end: dt.date
    department: str = ""
    process: str = ""
    organisation_id: int | None = None
    process_ids: tuple[int, ...] = ()

    @property
    def since(self) -> dt.datetime:
        """The period's first instant, in the territory's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """The instant after the period (midnight after its last day)."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    def months(self) -> list[dt.date]:
        """The first day of each month the period touches, in order."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def year_share(self, month: dt.date) -> float:
        """The part of a year that this month's days inside the period make (for prorating)."""
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        days = (min(last, self.end) - max(month, self.start)).days + 1
        return max(0, days) / (366 if calendar.isleap(month.year) else 365)

    def query(self) -> dict[str, str]:
        """The filters as GET parameters (links to the CSV files and between pages)."""
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.department:
            params["department"] = self.department
        if self.process:
            params["process"] = self.process
        return params


def _months_back(day: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months before `day`'s month."""
    month = day.month - count
    year = day.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve complete months: a month still under way would read as a dip or, when
    use is recorded as a monthly reading, a peak."""
    today = today or timezone.localdate()
    return _months_back(today, 12), today.replace(day=1) - dt.timedelta(days=1)


def _in_range(day: dt.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def network_filters(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department: str = "",
    process: str = "",
    organisation: Organisation | None = None,
    today: dt.date | None = None,
) -> NetworkFilters:
    """Check a question; raise a ValidationError naming each field that cannot be answered."""
    if start is None and end is None:
        start, end = default_period(today)
    if start is None:
        start = _months_back(end or today or timezone.localdate(), 11)
    if end is None:
        end = max(today or timezone.localdate(), start)
    errors: dict[str, str] = {}
    years = {"min": MIN_YEAR, "max": MAX_YEAR}
    for name, day in (("from", start), ("to", end)):
        if not _in_range(day):
            errors[name] = _("Enter a date between %(min)s and %(max)s.") % years
    if not errors and start > end:
        errors["to"] = _("The end of the period comes before its start.")
    elif not errors and (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        errors["to"] = _("The period is at most %(years)s years long.") % {
            "years": MAX_MONTHS // 12
        }
    department = (department or "").strip()
    if department and not Department.objects.filter(code=department[:3]).exists():
        errors["department"] = _("Unknown department: %(code)s.") % {"code": department[:20]}
    process = (process or "").strip()
    process_ids: tuple[int, ...] = ()
    if process:
        path = Process.objects.filter(code=process[:30]).values_list("path", flat=True).first()
        if path is None:
            errors["process"] = _("Unknown process: %(code)s.") % {"code": process[:30]}
        else:
            ids = Process.objects.filter(path__startswith=path).values_list("pk", flat=True)
            process_ids = tuple(sorted(ids))
    if errors:
        raise ValidationError(errors)
    return NetworkFilters(
        start=start,
        end=end,
        department=department,
        process=process,
        organisation_id=organisation.pk if organisation is not None else None,
        process_ids=process_ids,
    )


def threshold(min_contributors: int | None = None) -> int:
    """Fewest organisations a published cell needs (the setting unless told otherwise)."""
    value = settings.IMPACT_MIN_CONTRIBUTORS if min_contributors is None else min_contributors
    return max(1, int(value))


def fresh_factors(overrides: list[FactorValue] | None = None) -> FactorSet:
    """A factor set of its own for one figure, so that `used` names that figure's factors."""
    return FactorSet.with_overrides(override_values() if overrides is None else overrides)


def used_factors(factors: FactorSet) -> list[FactorValue]:
    return [factors.used[key] for key in sorted(factors.used)]


# --- the rows each figure reads ------------------------------------------------------


def machine_scope(filters: NetworkFilters, to_machine: str = "", *, owner: bool = True) -> Q:
    """The machines asked about, seen from a model reaching them by `to_machine` ("" for
    Machine itself). `owner=False` leaves the organisation filter to the caller."""

    def field(name: str) -> str:
        return f"{to_machine}__{name}" if to_machine else name

    scope = Q()
    if filters.organisation_id is None:
        scope &= Q(**{field("organisation__status"): OrganisationStatus.VALIDATED})
    elif owner:
        scope &= Q(**{field("organisation_id"): filters.organisation_id})
    if filters.department:
        scope &= Q(**{field("site__department_id"): filters.department})
    if filters.process_ids:
        # The process and its descendants as ids: an index search in the machine–process links.
        doing = Machine.processes.through.objects.filter(process_id__in=filters.process_ids)
        scope &= Q(**{field("id") + "__in": doing.values("machine_id")})
    return scope


def machines(filters: NetworkFilters) -> QuerySet[Machine]:
    return Machine.objects.filter(machine_scope(filters))


def cross_bookings(filters: NetworkFilters, *, role: str = "either") -> QuerySet[Booking]:
    """Completed bookings of the period between two organisations (the booker's is not the
    host's), on the machines asked about (the whole public network: hosted by validated
    organisations). With an organisation: those it made (`booker`) or made or hosted
    (`either`)."""
    bookings = (
        Booking.objects.filter(
            state=BookingState.COMPLETED,
            start__gte=filters.since,
            start__lt=filters.until,
            booker_organisation__isnull=False,
        )
        .exclude(booker_organisation=F("host_organisation"))
        .order_by()
    )
    if filters.department or filters.process_ids:
        bookings = bookings.filter(machine_id__in=scope_ids(filters, owner=False))
    elif filters.organisation_id is None:
        # The whole public network: hosts validated (a join on organisations, not machines).
        bookings = bookings.filter(host_organisation__status=OrganisationStatus.VALIDATED)
    if filters.organisation_id is not None:
        mine = Q(booker_organisation_id=filters.organisation_id)
        if role == "either":
            mine |= Q(host_organisation_id=filters.organisation_id)
        bookings = bookings.filter(mine)
    return bookings


def needs(filters: NetworkFilters) -> QuerySet[Need]:
    """Needs entered in the period for the department (where the work is wanted) and process."""
    found = Need.objects.filter(created_at__gte=filters.since, created_at__lt=filters.until)
    if filters.department:
        found = found.filter(department_id=filters.department)
    if filters.process_ids:
        found = found.filter(process_id__in=filters.process_ids)
    if filters.organisation_id is not None:
        found = found.filter(organisation_id=filters.organisation_id)
    return found.order_by()


# --- expressions both databases compute ------------------------------------------------


class HoursBetween(Func):
    """Hours from the second datetime to the first, as a float (PostgreSQL, then SQLite)."""

    arity = 2
    output_field = FloatField()
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _bucket(field: str, bounds: Sequence[dt.datetime], low: int, high: int) -> Any:
    """The index i in [low, high) with bounds[i] <= field < bounds[i + 1], by halves."""
    if high - low == 1:
        return Value(low)
    middle = (low + high) // 2
    return Case(
        When(**{f"{field}__lt": bounds[middle]}, then=_bucket(field, bounds, low, middle)),
        default=_bucket(field, bounds, middle, high),
        output_field=IntegerField(),
    )


def month_index(field: str, filters: NetworkFilters) -> Any:
    """Which month of the period (0, 1, …) a datetime falls in, in the territory's time zone.

    Compared with the months' first instants (a balanced CASE: about seven comparisons for ten
    years), which PostgreSQL does faster than converting each row's time zone to truncate it.
    """
    bounds = [
        timezone.make_aware(dt.datetime.combine(month, dt.time.min)) for month in filters.months()
    ]
    return _bucket(field, bounds, 0, len(bounds))


def year_index(field: str, filters: NetworkFilters) -> Any:
    """Which calendar year of the period (0, 1, …) a datetime falls in, as `month_index`."""
    bounds = [
        timezone.make_aware(dt.datetime(year, 1, 1))
        for year in range(filters.start.year, filters.end.year + 1)
    ]
    return _bucket(field, bounds, 0, len(bounds))


def booking_hours() -> Coalesce:
    """The hours of a booking: the machine hours told at check-out, else its booked length."""
    return Coalesce(
        Cast("hours_used", FloatField()), HoursBetween("end", "start"), output_field=FloatField()
    )


def haversine_km(lat1: str, lon1: str, lat2: str, lon2: str) -> ExpressionWrapper:
    """Great-circle distance in km between two points held in fields (as `core.geo`)."""
    half_lat = Radians(F(lat2) - F(lat1)) / Value(2.0)
    half_lon = Radians(F(lon2) - F(lon1)) / Value(2.0)
    a = Power(Sin(half_lat), 2) + Cos(Radians(F(lat1))) * Cos(Radians(F(lat2))) * Power(
        Sin(half_lon), 2
    )
    return ExpressionWrapper(
        Value(2.0 * EARTH_RADIUS_KM) * ASin(Least(Value(1.0), Sqrt(a))), output_field=FloatField()
    )


# --- statements the ORM compiles in parts ---------------------------------------------


def compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    """A queryset's SQL and parameters, to be a named part (CTE) of a larger statement."""
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


@contextmanager
def without_jit() -> Iterator[None]:
    """One transaction for a figure's statements; on PostgreSQL without JIT, which compiled
    these one-off aggregations for longer than they ran (350 ms of 1.9 s measured)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def without_jit_read(function: Callable[P, R]) -> Callable[P, R]:
    """Run a figure's reads in `without_jit`."""

    @functools.wraps(function)
    def read(*args: P.args, **kwargs: P.kwargs) -> R:
        with without_jit():
            return function(*args, **kwargs)

    return read


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a statement put together from compiled parts."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def scope_ids(filters: NetworkFilters, *, owner: bool = True) -> QuerySet[Any, Any]:
    """The ids of the machines asked about, for an IN (…) the database runs as a semi-join."""
    return Machine.objects.filter(machine_scope(filters, owner=owner)).values("id").order_by()

"""The availability core, plain Python: interval algebra, the booking rules, weekly windows.

Example tests pin the daylight-saving days of 2026 in Europe/Paris; property tests (hypothesis)
check the invariants on random intervals laid on a minute grid, where a brute-force answer is
cheap to compute and compare.
"""

import datetime as dt
from itertools import pairwise

from hypothesis import example, given, settings
from hypothesis import strategies as st

from maillage.sharing.availability import (
    PARIS,
    Interval,
    Problem,
    Rules,
    WeeklyWindow,
    blocked,
    check_request,
    earliest_slot,
    free_intervals,
    local_instant,
    merge,
    opening_intervals,
    round_up_start,
    subtract,
)

BASE = dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.UTC)
HORIZON = 600  # minutes covered by the generated intervals
SUNDAY = 6


def at(minute: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minute)


def span(a: int, b: int) -> Interval:
    return Interval(at(a), at(b))


def minute_of(instant: dt.datetime) -> int:
    return int((instant - BASE).total_seconds() // 60)


def covered(intervals: list[Interval], minute: int) -> bool:
    """Is the unit [minute, minute + 1) inside one of the intervals?"""
    return any(i.start <= at(minute) and at(minute + 1) <= i.end for i in intervals)


@st.composite
def intervals(draw, min_length: int = 0, max_length: int = 180) -> Interval:
    start = draw(st.integers(0, HORIZON - 1))
    length = draw(st.integers(min_length, max_length))
    return span(start, min(start + length, HORIZON + max_length))


interval_lists = st.lists(intervals(), max_size=8)
positive_lists = st.lists(intervals(min_length=1), max_size=8)


def assert_sorted_disjoint(result: list[Interval]) -> None:
    for item in result:
        assert item.start < item.end
    for first, second in pairwise(result):
        assert first.end < second.start  # disjoint, and touching ones were joined


# --- interval algebra ----------------------------------------------------------------


def test_merge_joins_overlapping_and_touching_intervals_and_drops_empty_ones():
    assert merge([span(60, 120), span(0, 30), span(30, 45), span(100, 150), span(200, 200)]) == [
        span(0, 45),
        span(60, 150),
    ]


def test_subtract_cuts_holes_out_of_the_base():
    assert subtract([span(0, 100)], [span(10, 20), span(50, 120)]) == [span(0, 10), span(20, 50)]
    assert subtract([span(0, 100)], []) == [span(0, 100)]
    assert subtract([span(0, 100)], [span(0, 100)]) == []


@given(interval_lists)
def test_merge_is_sorted_disjoint_and_covers_exactly_the_union(items):
    result = merge(items)
    assert_sorted_disjoint(result)
    for minute in range(0, HORIZON + 180):
        assert covered(result, minute) == covered(items, minute)


@given(interval_lists, interval_lists)
def test_subtract_stays_inside_the_base_and_outside_every_hole(base, holes):
    result = subtract(base, holes)
    assert_sorted_disjoint(result)
    merged_base = merge(base)
    for piece in result:
        assert any(b.contains(piece) for b in merged_base)
        assert not any(piece.overlaps(h) for h in holes if h.end > h.start)
    # Nothing was lost: every minute of the base outside the holes is still there.
    for minute in range(0, HORIZON + 180):
        expected = covered(base, minute) and not any(
            h.start < at(minute + 1) and at(minute) < h.end for h in holes
        )
        assert covered(result, minute) == expected


# --- the rules of a request ----------------------------------------------------------


rules_strategy = st.builds(
    Rules,
    min_minutes=st.integers(5, 60),
    max_minutes=st.integers(60, 300),
    buffer_minutes=st.integers(0, 45),
    min_notice_minutes=st.integers(0, 60),
    horizon_days=st.just(1),
)


@given(
    wanted=intervals(max_length=240),
    now_minute=st.integers(-60, 200),
    rules=rules_strategy,
    opened=interval_lists,
    busy=positive_lists,
)
@settings(max_examples=300)
def test_check_request_never_accepts_a_busy_or_closed_slot(wanted, now_minute, rules, opened, busy):
    now = at(now_minute)
    problems = check_request(wanted, now, rules, opened, busy)
    mine = blocked(wanted, rules.buffer_minutes)
    overlaps_busy = any(mine.overlaps(b) for b in busy)
    inside_opening = wanted.end > wanted.start and all(
        covered(opened, m) for m in range(minute_of(wanted.start), minute_of(wanted.end))
    )
    if wanted.end <= wanted.start:
        assert problems == [Problem.END_BEFORE_START]
        return
    assert (Problem.BUSY in problems) == overlaps_busy
    assert (Problem.CLOSED in problems) == (not inside_opening)
    if not problems:
        minutes = (wanted.end - wanted.start).total_seconds() / 60
        assert rules.min_minutes <= minutes <= rules.max_minutes
        assert wanted.start >= now + dt.timedelta(minutes=rules.min_notice_minutes)
        assert wanted.end <= now + dt.timedelta(days=rules.horizon_days)
        assert not overlaps_busy and inside_opening


def test_the_buffer_after_a_booking_counts_as_busy():
    rules = Rules(min_minutes=30, max_minutes=120, buffer_minutes=15)
    opened = [span(0, 600)]
    taken = [blocked(span(120, 180), 15)]  # another booking, 02:00-03:00 plus 15 minutes
    assert check_request(span(180, 240), at(0), rules, opened, taken) == [Problem.BUSY]
    assert check_request(span(195, 240), at(0), rules, opened, taken) == []
    # Our own buffer must not run into the next booking either.
    assert check_request(span(60, 110), at(0), rules, opened, taken) == [Problem.BUSY]
    assert check_request(span(60, 105), at(0), rules, opened, taken) == []


any_rules = st.builds(
    Rules,
    min_minutes=st.integers(5, 90),
    max_minutes=st.integers(5, 300),
    buffer_minutes=st.integers(0, 45),
    min_notice_minutes=st.integers(0, 300),
    horizon_days=st.integers(1, 2),
)


@given(
    duration=st.integers(5, 240),
    now_minute=st.integers(-60, 300),
    after=st.integers(-60, 600),
    window=st.integers(0, 1200),
    rules=any_rules,
    opened=interval_lists,
    busy=positive_lists,
)
@settings(max_examples=400, deadline=None)
def test_earliest_slot_is_the_first_start_the_rules_accept(
    duration, now_minute, after, window, rules, opened, busy
):
    now, before = at(now_minute), after + window
    slot = earliest_slot(
        dt.timedelta(minutes=duration), at(after), at(before), now, rules, opened, busy
    )

    def accepted(start: int) -> bool:
        return check_request(span(start, start + duration), now, rules, opened, busy) == []

    # On the minute grid nothing is rounded: brute force over every start finds the same one.
    candidates = [s for s in range(after, before - duration + 1) if accepted(s)]
    if slot is None:
        assert candidates == []
    else:
        assert check_request(slot, now, rules, opened, busy) == []
        assert slot.end - slot.start == dt.timedelta(minutes=duration)
        assert at(after) <= slot.start and slot.end <= at(before)
        assert minute_of(slot.start) == candidates[0]


@given(
    seconds=st.integers(1, 59),
    duration=st.integers(5, 120),
    rules=any_rules,
    opened=interval_lists,
    busy=positive_lists,
)
@settings(max_examples=200, deadline=None)
def test_a_slot_found_from_a_clock_off_the_minute_starts_on_a_round_minute(
    seconds, duration, rules, opened, busy
):
    now = at(30) + dt.timedelta(seconds=seconds, microseconds=7)
    slot = earliest_slot(dt.timedelta(minutes=duration), now, at(2000), now, rules, opened, busy)
    if slot is not None:
        assert slot.start.second == 0 and slot.start.microsecond == 0
        assert check_request(slot, now, rules, opened, busy) == []


def test_earliest_slot_keeps_the_notice_horizon_and_duration_limits():
    rules = Rules(min_minutes=30, max_minutes=120, min_notice_minutes=24 * 60, horizon_days=2)
    always = [Interval(at(-10_000), at(10_000))]
    hour = dt.timedelta(hours=1)
    now = at(0) + dt.timedelta(seconds=20)
    slot = earliest_slot(hour, now, at(10_000), now, rules, always, [])
    assert slot == Interval(at(24 * 60 + 15), at(24 * 60 + 75))  # next quarter hour after 24 h
    # Past the horizon, or longer than the maximum, or shorter than the minimum: nothing.
    assert earliest_slot(hour, at(47 * 60 + 1), at(10_000), now, rules, always, []) is None
    assert earliest_slot(3 * hour, now, at(10_000), now, rules, always, []) is None
    assert earliest_slot(hour / 4, now, at(10_000), now, rules, always, []) is None


def test_round_up_start_keeps_round_minutes_and_moves_the_others_to_the_next_quarter_hour():
    assert round_up_start(at(7)) == at(7)
    assert round_up_start(at(7) + dt.timedelta(seconds=1)) == at(15)
    assert round_up_start(at(15) + dt.timedelta(microseconds=1)) == at(30)
    assert round_up_start(at(59) + dt.timedelta(seconds=59)) == at(60)
    # 01:59:30 in Paris the night clocks go forward: the next quarter hour is 03:00 local.
    late = dt.datetime(2026, 3, 29, 1, 59, 30, tzinfo=PARIS)
    assert round_up_start(late) == dt.datetime(2026, 3, 29, 3, 0, tzinfo=PARIS)


@given(opened=interval_lists, busy=positive_lists, buffer=st.integers(0, 45))
def test_a_booking_ending_inside_a_free_interval_keeps_its_buffer_clear(opened, busy, buffer):
    for free in free_intervals(opened, busy, buffer):
        assert any(o.contains(free) for o in merge(opened))
        assert not any(blocked(free, buffer).overlaps(b) for b in busy)


# --- weekly windows and daylight saving ----------------------------------------------


def elapsed(interval: Interval) -> dt.timedelta:
    """Real time between the ends.

    Subtracting two datetimes that share one tzinfo object (here ZoneInfo("Europe/Paris"))
    gives their wall-clock difference, blind to a change of offset in between: go through UTC.
    """
    return interval.end.astimezone(dt.UTC) - interval.start.astimezone(dt.UTC)


def paris(year, month, day, hour=0, minute=0) -> dt.datetime:
    return local_instant(dt.date(year, month, day), dt.time(hour, minute), PARIS)


def one_day(date: dt.date, opens: dt.time, closes: dt.time) -> list[Interval]:
    window = WeeklyWindow(date.weekday(), opens, closes)
    day_start = local_instant(date, dt.time(0), PARIS)
    day_end = local_instant(date + dt.timedelta(days=1), dt.time(0), PARIS)
    return opening_intervals([window], day_start, day_end)


def test_the_dst_days_of_2026_are_sundays():
    assert dt.date(2026, 3, 29).weekday() == SUNDAY
    assert dt.date(2026, 10, 25).weekday() == SUNDAY


def test_a_day_window_keeps_its_local_hours_and_length_across_both_changes():
    for date in (dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        [opened] = one_day(date, dt.time(8), dt.time(18))
        assert elapsed(opened) == dt.timedelta(hours=10)
        local_start = opened.start.astimezone(PARIS)
        assert (local_start.date(), local_start.time()) == (date, dt.time(8))
        assert opened.end.astimezone(PARIS).time() == dt.time(18)
    # Summer time on the spring day, winter time on the autumn one.
    spring = one_day(dt.date(2026, 3, 29), dt.time(8), dt.time(18))[0]
    autumn = one_day(dt.date(2026, 10, 25), dt.time(8), dt.time(18))[0]
    assert spring.start.astimezone(PARIS).utcoffset() == dt.timedelta(hours=2)
    assert autumn.start.astimezone(PARIS).utcoffset() == dt.timedelta(hours=1)
    assert spring.start == dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC)
    assert autumn.start == dt.datetime(2026, 10, 25, 7, 0, tzinfo=dt.UTC)


def test_a_night_window_over_the_change_lasts_what_the_clocks_say():
    [spring] = one_day(dt.date(2026, 3, 29), dt.time(1), dt.time(4))
    assert elapsed(spring) == dt.timedelta(hours=2)  # 02:00 never happens
    assert spring.start == dt.datetime(2026, 3, 29, 0, 0, tzinfo=dt.UTC)
    [autumn] = one_day(dt.date(2026, 10, 25), dt.time(1), dt.time(4))
    assert elapsed(autumn) == dt.timedelta(hours=4)  # 02:00-03:00 happens twice
    assert autumn.start == dt.datetime(2026, 10, 24, 23, 0, tzinfo=dt.UTC)


def test_a_week_of_windows_across_the_spring_change_starts_at_eight_every_day():
    windows = [WeeklyWindow(day, dt.time(8), dt.time(18)) for day in range(7)]
    found = opening_intervals(windows, paris(2026, 3, 23), paris(2026, 4, 6))
    assert len(found) == 14
    for item in found:
        assert item.start.astimezone(PARIS).time() == dt.time(8)
        assert elapsed(item) == dt.timedelta(hours=10)


def test_a_window_until_midnight_and_closures_and_openings():
    sunday = dt.date(2026, 10, 25)
    [evening] = one_day(sunday, dt.time(20), dt.time(0))
    assert evening.end == paris(2026, 10, 26)
    assert elapsed(evening) == dt.timedelta(hours=4)
    windows = [WeeklyWindow(SUNDAY, dt.time(8), dt.time(18))]
    lunch = Interval(paris(2026, 10, 25, 12), paris(2026, 10, 25, 14))
    extra = Interval(paris(2026, 10, 26, 9), paris(2026, 10, 26, 11))  # a Monday
    found = opening_intervals(
        windows, paris(2026, 10, 25), paris(2026, 10, 27), openings=[extra], closures=[lunch]
    )
    assert found == [
        Interval(paris(2026, 10, 25, 8), paris(2026, 10, 25, 12)),
        Interval(paris(2026, 10, 25, 14), paris(2026, 10, 25, 18)),
        extra,
    ]


# Wall-clock times that exist on every day of the year in Paris (02:00-03:00 may not).
wall_times = st.sampled_from([dt.time(h, m) for h in range(24) if h != 2 for m in (0, 15, 30, 45)])


@given(
    date=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    opens=wall_times,
    closes=wall_times,
)
@example(date=dt.date(2026, 3, 29), opens=dt.time(0), closes=dt.time(3))
@example(date=dt.date(2026, 10, 25), opens=dt.time(1, 45), closes=dt.time(3, 15))
@settings(max_examples=300)
def test_any_window_on_any_day_of_2026_opens_and_closes_at_its_wall_clock_times(
    date, opens, closes
):
    if closes <= opens:
        return
    [opened] = one_day(date, opens, closes)
    local_start, local_end = opened.start.astimezone(PARIS), opened.end.astimezone(PARIS)
    assert (local_start.date(), local_start.time()) == (date, opens)
    assert (local_end.date(), local_end.time()) == (date, closes)
    wall = dt.datetime.combine(date, closes) - dt.datetime.combine(date, opens)
    # The clocks go forward (spring: -1 h) or back (autumn: +1 h) between the two ends.
    shift = local_start.utcoffset() - local_end.utcoffset()
    assert elapsed(opened) == wall + shift


def test_the_spring_and_autumn_nights_are_in_the_sweep():
    """The property above, pinned on the two days where the offset changes inside the window."""
    for date, hours in ((dt.date(2026, 3, 29), 1), (dt.date(2026, 10, 25), 3)):
        [opened] = one_day(date, dt.time(1, 30), dt.time(3, 30))
        assert elapsed(opened) == dt.timedelta(hours=hours)


def test_the_length_rules_measure_real_time_across_the_spring_change():
    start, end = paris(2026, 3, 29, 1), paris(2026, 3, 29, 4)  # two real hours
    rules = Rules(min_minutes=30, max_minutes=150)
    wanted = Interval(start, end)
    assert check_request(wanted, paris(2026, 3, 28), rules, [wanted], []) == []

"""Loop actions: who may do what, the checks of the counts, planning and closing rounds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.models import CollectionRound, LoopRole, RoundState, StockReport
from maillage.symbiosis.queries import loops as queries
from maillage.symbiosis.tests.loop_world import english, report_all, world

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate()


def _loop_input(**extra: Any) -> actions.LoopInput:
    data: dict[str, Any] = {
        "name": "Consigne du Vieux-Port",
        "container": "Bouteille 75 cl",
        "container_mass_g": 450,
        "single_use_mass_g": 400,
        "crate_size": 12,
        "van_capacity_crates": 60,
        "deposit_eur": "0.5",
        "containers_in_circulation": 3000,
    }
    data.update(extra)
    return actions.LoopInput(**data)


def test_it_lets_the_hub_admins_and_coordinators_create_and_edit_a_loop(world: Any) -> None:
    loop = actions.create_loop(world["alice"], world["hub"], _loop_input())
    assert loop.slug == "consigne-du-vieux-port"
    again = actions.create_loop(world["coordinator"], world["hub"], _loop_input())
    assert again.slug == "consigne-du-vieux-port-2"
    for outsider in (world["pat"], world["olga"], world["sam"]):
        with pytest.raises(PermissionDenied):
            actions.create_loop(outsider, world["hub"], _loop_input())
        with pytest.raises(PermissionDenied):
            actions.update_loop(outsider, loop, _loop_input(name="x"))
    edited = actions.update_loop(world["alice"], loop, _loop_input(van_capacity_crates=80))
    assert edited.van_capacity_crates == 80 and edited.slug == loop.slug


def test_it_names_each_wrong_field_of_a_loop(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.create_loop(
            world["alice"],
            world["hub"],
            _loop_input(name=" ", crate_size=0, deposit_eur="abc", container_mass_g="x"),
        )
    assert set(caught.value.message_dict) == {
        "name",
        "crate_size",
        "deposit_eur",
        "container_mass_g",
    }


def test_it_adds_and_removes_members_for_managers_only(world: Any) -> None:
    loop, site = world["loop"], world["other"].sites.first()
    with pytest.raises(PermissionDenied):
        actions.add_member(world["olga"], loop, site, LoopRole.SHOP)
    member = actions.add_member(world["alice"], loop, site, LoopRole.SHOP)
    assert member.organisation == world["other"] and member.active
    with pytest.raises(ValidationError, match="washing centre"):
        actions.add_member(world["alice"], loop, site, LoopRole.WASHER)
    actions.remove_member(world["alice"], member)
    member.refresh_from_db()
    assert not member.active
    assert actions.add_member(world["alice"], loop, site, LoopRole.SHOP).active


def test_it_takes_stock_reports_from_the_shops_members_only(world: Any) -> None:
    shop = world["shops"][0]
    report = actions.report_stock(world["sam"], shop, 3, 2)
    assert (report.empty_crates, report.full_crates_wanted, report.reported_by) == (
        3,
        2,
        world["sam"],
    )
    for outsider in (world["sue"], world["olga"], world["alice"]):
        with pytest.raises(PermissionDenied):
            actions.report_stock(outsider, shop, 1, 1)
    with pytest.raises(ValidationError) as caught:
        actions.report_stock(world["sam"], shop, -1, 0)
    assert "empty_crates" in caught.value.message_dict
    with pytest.raises(ValidationError, match="The van holds 10 crates"):
        actions.report_stock(world["sam"], shop, 11, 0)
    with pytest.raises(ValidationError, match="active shops"):
        actions.report_stock(world["walter"], world["washer"], 1, 0)
    assert StockReport.objects.count() == 1


def test_it_records_months_that_add_up_and_says_which_count_does_not(world: Any) -> None:
    loop, alice = world["loop"], world["alice"]
    last = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    month = actions.record_loop_month(
        alice, loop, actions.MonthInput(last, filled=1000, sold=900, returned=600, broken=12)
    )
    assert month.month == last.replace(day=1)
    corrected = actions.record_loop_month(
        alice, loop, actions.MonthInput(last, filled=1000, sold=950, returned=700, broken=10)
    )
    assert corrected.pk == month.pk and corrected.sold == 950
    cases = [
        ({"sold": 1200}, "sold", "Sold (1200) cannot exceed"),
        ({"returned": 999}, "returned", "Returned (999) cannot exceed"),
        ({"broken": 800}, "broken", "counted among those returned"),
        ({"filled": "many"}, "filled", "whole number"),
    ]
    for change, field, text in cases:
        counts = {"filled": 1000, "sold": 950, "returned": 700, "broken": 10, **change}
        with pytest.raises(ValidationError) as caught:
            actions.record_loop_month(alice, loop, actions.MonthInput(last, **counts))
        assert text in caught.value.message_dict[field][0]
    future = (TODAY.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError, match="not begun"):
        actions.record_loop_month(alice, loop, actions.MonthInput(future, 1, 1, 1, 0))
    with pytest.raises(PermissionDenied):
        actions.record_loop_month(world["sam"], loop, actions.MonthInput(last, 1, 1, 1, 0))


def test_it_allows_returns_of_bottles_sold_in_earlier_months(world: Any) -> None:
    loop, alice = world["loop"], world["alice"]
    first = (TODAY.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    second = (first + dt.timedelta(days=32)).replace(day=1)
    actions.record_loop_month(alice, loop, actions.MonthInput(first, 1000, 1000, 300, 0))
    # 700 bottles still out with customers: 100 sold + 700 may come back.
    assert actions.record_loop_month(alice, loop, actions.MonthInput(second, 100, 100, 750, 5))


def test_it_plans_a_round_from_the_latest_reports_since_the_last_closed_one(world: Any) -> None:
    report_all(world, [(5, 0), (1, 1), (2, 2)])
    actions.report_stock(world["sam"], world["shops"][0], 3, 1)  # the latest counts
    found = actions.plan_round(world["walter"], world["loop"], TODAY, time_limit_s=0.2)
    by_member = {s["member"]: s for s in found.stops}
    assert by_member[world["shops"][0].pk]["pickup"] == 3
    assert len(found.stops) == 3 and found.unserved == []
    assert found.distance_km > 0 and found.state == RoundState.PLANNED
    assert max(s["load_after"] for s in found.stops) <= world["loop"].van_capacity_crates

    closed = actions.close_round(world["walter"], found)
    assert closed.state == RoundState.DONE and closed.closed_at is not None
    with pytest.raises(ValidationError, match="No shop has reported"):
        actions.plan_round(world["alice"], world["loop"], TODAY, time_limit_s=0.2)
    actions.report_stock(world["sue"], world["shops"][1], 4, 0)
    later = actions.plan_round(world["alice"], world["loop"], TODAY, time_limit_s=0.2)
    assert [s["member"] for s in later.stops] == [world["shops"][1].pk]


def test_it_leaves_out_the_shops_the_van_cannot_fit_and_says_why(world: Any) -> None:
    report_all(world, [(6, 2), (6, 2), (6, 2)])  # 3 × 6 empties for a van of 10 crates
    found = actions.plan_round(world["alice"], world["loop"], TODAY, time_limit_s=0.2)
    assert len(found.stops) == 1
    assert [u["reason"] for u in found.unserved] == ["no_room", "no_room"]


def test_it_plans_several_trips_of_the_van_when_asked(world: Any) -> None:
    report_all(world, [(6, 2), (6, 2), (6, 2)])
    found = actions.plan_round(world["alice"], world["loop"], TODAY, trips=3, time_limit_s=0.3)
    assert found.unserved == []
    assert sorted(s["trip"] for s in found.stops) == [0, 1, 2]
    with pytest.raises(ValidationError) as caught:
        actions.plan_round(world["alice"], world["loop"], TODAY, trips=9)
    assert "trips" in caught.value.message_dict


def test_it_refuses_rounds_to_outsiders_past_days_and_loops_without_washer(world: Any) -> None:
    report_all(world, [(1, 1), (1, 1), (1, 1)])
    for outsider in (world["sam"], world["olga"]):
        with pytest.raises(PermissionDenied):
            actions.plan_round(outsider, world["loop"], TODAY)
    with pytest.raises(ValidationError, match="today or a later day"):
        actions.plan_round(world["alice"], world["loop"], TODAY - dt.timedelta(days=1))
    actions.remove_member(world["alice"], world["washer"])
    with pytest.raises(ValidationError, match="no washing centre"):
        actions.plan_round(world["alice"], world["loop"], TODAY)
    assert not CollectionRound.objects.exists()


def test_it_closes_a_round_once_and_for_the_loop_people_only(world: Any) -> None:
    report_all(world, [(1, 1), (1, 1), (1, 1)])
    found = actions.plan_round(world["pat"], world["loop"], TODAY, time_limit_s=0.2)
    with pytest.raises(PermissionDenied):
        actions.close_round(world["sam"], found)
    actions.close_round(world["coordinator"], found)
    with pytest.raises(ValidationError, match="already closed"):
        actions.close_round(world["alice"], found)


def test_it_computes_the_loops_indicators_and_carbon(world: Any) -> None:
    from maillage.symbiosis.tests.loop_world import year_of_months

    year_of_months(world["loop"], TODAY)
    fig = queries.figures(world["loop"])
    ind = fig.indicators
    assert fig.months == 12
    assert ind.filled_per_year == 12_000
    assert ind.rotations_per_year == pytest.approx(12.0)
    assert ind.return_rate == pytest.approx(800 / 950)
    assert ind.breakage_rate == pytest.approx(0.025)
    assert fig.distance_km is not None and 0.5 < fig.distance_km < 5
    assert fig.reusable_kg is not None and fig.single_use_kg is not None
    assert fig.reusable_kg < fig.single_use_kg
    assert fig.break_even_uses is not None and fig.break_even_uses < 2
    assert fig.break_even_km is not None and 300 < fig.break_even_km < 700

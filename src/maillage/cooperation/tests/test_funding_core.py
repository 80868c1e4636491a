"""The matching arithmetic at its limits, exact to the cent, without a database."""

from __future__ import annotations

from decimal import Decimal as D

from maillage.cooperation import funding as core
from maillage.cooperation.funding import PledgeAmount, Rule


def P(amount: str, state: str = core.CONFIRMED, org: bool = False) -> PledgeAmount:
    return PledgeAmount(D(amount), state, org)


def test_one_euro_per_euro_below_the_cap() -> None:
    assert core.matched_amount([P("100"), P("250.50")], Rule(D("1"), D("20000"))) == D("350.50")


def test_the_cap_reached_exactly_and_exceeded() -> None:
    rule = Rule(D("1"), D("1000"))
    assert core.matched_amount([P("600"), P("400")], rule) == D("1000.00")
    assert core.matched_amount([P("600"), P("400.01")], rule) == D("1000.00")
    assert core.matched_amount([P("600"), P("399.99")], rule) == D("999.99")


def test_the_per_pledge_cap_counts_only_part_of_a_big_pledge() -> None:
    rule = Rule(D("1"), D("20000"), per_pledge_cap=D("50"))
    assert core.matched_amount([P("30"), P("50"), P("500")], rule) == D("130.00")


def test_half_a_euro_per_euro_rounds_odd_cents_down() -> None:
    rule = Rule(D("0.5"), D("1000"))
    assert core.matched_amount([P("0.01")], rule) == D("0.00")
    assert core.matched_amount([P("10.01")], rule) == D("5.00")
    # Summed before rounding: two odd cents make one whole cent.
    assert core.matched_amount([P("10.01"), P("0.01")], rule) == D("5.01")


def test_two_euros_per_euro_with_odd_cents_and_a_cap_in_cents() -> None:
    assert core.matched_amount([P("33.33"), P("0.01")], Rule(D("2"), D("100"))) == D("66.68")
    assert core.matched_amount([P("33.33")], Rule(D("2"), D("66.65"))) == D("66.65")


def test_a_third_is_rounded_down_never_up() -> None:
    assert core.matched_amount([P("100")], Rule(D("0.333"), D("1000"))) == D("33.30")
    assert core.matched_amount([P("0.02")], Rule(D("0.333"), D("1000"))) == D("0.00")


def test_organisations_pledges_count_only_when_the_rule_says_so() -> None:
    pledges = [P("100"), P("1000", org=True)]
    assert core.matched_amount(pledges, Rule(D("1"), D("5000"))) == D("100.00")
    assert core.matched_amount(pledges, Rule(D("1"), D("5000"), organisations_count=True)) == D(
        "1100.00"
    )


def test_no_pledges_match_nothing() -> None:
    assert core.matched_amount([], Rule(D("1"), D("20000"))) == D("0.00")
    totals = core.campaign_totals(D("1000"), [], [Rule(D("1"), D("500"))])
    assert (totals.promised, totals.confirmed, totals.matched, totals.total) == (
        D("0"),
        D("0"),
        D("0"),
        D("0"),
    )
    assert totals.percent == 0 and not totals.reached and totals.pledgers == 0
    assert core.outcome(core.ALL_OR_NOTHING, totals).state == core.FAILED
    assert core.outcome(core.KEEP_WHAT_YOU_RAISE, totals).state == core.CLOSED


def test_several_rules_each_match_the_same_confirmed_pledges() -> None:
    pledges = [P("100"), P("60", core.PROMISED), P("40", core.CANCELLED), P("300", org=True)]
    rules = [Rule(D("1"), D("50")), Rule(D("0.5"), D("1000"), organisations_count=True)]
    totals = core.campaign_totals(D("1000"), pledges, rules)
    assert totals.matched_by_rule == (D("50.00"), D("200.00"))
    assert totals.promised == D("60")
    assert totals.confirmed == D("400")
    assert totals.matched == D("250.00")
    assert totals.total == D("650.00")
    assert totals.share == D("0.65") and totals.percent == 65
    assert totals.promised_bar_percent == 6
    assert totals.pledgers == 3


def test_all_or_nothing_fails_by_one_cent_and_voids_every_pledge() -> None:
    totals = core.campaign_totals(D("1000"), [P("499.99")], [Rule(D("1"), D("500"))])
    assert totals.total == D("999.98")
    totals = core.campaign_totals(D("1000"), [P("500"), P("0.01", core.PROMISED)], [])
    assert totals.missing == D("500.00")
    short = core.campaign_totals(D("1000"), [P("999.99")], [])
    assert short.percent == 99 and not short.reached and short.missing == D("0.01")
    result = core.outcome(core.ALL_OR_NOTHING, short)
    assert result.state == core.FAILED and result.void_confirmed


def test_all_or_nothing_succeeds_exactly_at_the_goal_with_matching() -> None:
    totals = core.campaign_totals(D("40000"), [P("20000")], [Rule(D("1"), D("20000"))])
    assert totals.total == D("40000.00") and totals.reached and totals.percent == 100
    result = core.outcome(core.ALL_OR_NOTHING, totals)
    assert result.state == core.SUCCEEDED and not result.void_confirmed


def test_keep_what_you_raise_keeps_the_confirmed_pledges() -> None:
    totals = core.campaign_totals(D("1000"), [P("10")], [])
    result = core.outcome(core.KEEP_WHAT_YOU_RAISE, totals)
    assert result.state == core.CLOSED and not result.void_confirmed and result.void_promised


def test_the_bar_never_overflows() -> None:
    totals = core.campaign_totals(D("100"), [P("150"), P("50", core.PROMISED)], [])
    assert totals.percent == 150 and totals.bar_percent == 100
    assert totals.promised_bar_percent == 0

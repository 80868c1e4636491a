"""The vote count by college, at its limits (plain Python, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maillage.cooperation.votes import (
    ADOPTED,
    NO_VOTES,
    REJECTED,
    TIE,
    CollegeIn,
    VoteIn,
    as_record,
    check_weights,
    count_votes,
)

WEIGHTED = [
    CollegeIn("companies", Decimal("40"), 5),
    CollegeIn("third_places", Decimal("30"), 4),
    CollegeIn("public_bodies", Decimal("15"), 2),
    CollegeIn("associations", Decimal("15"), 3),
]


def _votes(**by_college: str) -> list[VoteIn]:
    """`companies="yyn"`: two yes and one no in the companies college (a = abstain)."""
    names = {"y": "yes", "n": "no", "a": "abstain"}
    return [VoteIn(college, names[c]) for college, cs in by_college.items() for c in cs]


def test_it_tallies_each_college_and_weighs_the_total() -> None:
    count = count_votes(
        _votes(companies="yyyn", third_places="nn", public_bodies="y", associations="yna"),
        WEIGHTED,
    )
    companies, third, public, assoc = count.colleges
    assert (companies.yes, companies.no, companies.abstain, companies.eligible) == (3, 1, 0, 5)
    assert companies.result == ADOPTED and third.result == REJECTED
    assert assoc.result == TIE and public.result == ADOPTED
    # 40 × 3/4 + 0 + 15 + 15 × 1/2 = 52.5 yes; 10 + 30 + 0 + 7.5 = 47.5 no
    assert companies.weighted_yes == Decimal("30.00")
    assert count.weighted and count.yes_percent == Decimal("52.50")
    assert count.no_percent == Decimal("47.50")
    assert count.outcome == ADOPTED


def test_a_weighted_tie_is_not_a_majority() -> None:
    count = count_votes(_votes(companies="y", third_places="n", public_bodies="yn"), WEIGHTED)
    # 40 + 7.5 yes against 30 + 7.5 no: adopted; now make it even
    assert count.outcome == ADOPTED
    even = [CollegeIn("a", Decimal("50"), 1), CollegeIn("b", Decimal("50"), 1)]
    tie = count_votes([VoteIn("a", "yes"), VoteIn("b", "no")], even)
    assert tie.yes_percent == Decimal("50.00") and tie.outcome == REJECTED


def test_a_college_without_votes_leaves_the_total_to_the_others() -> None:
    count = count_votes(_votes(companies="n", third_places="y", public_bodies="y"), WEIGHTED)
    assoc = count.colleges[3]
    assert (assoc.yes, assoc.no, assoc.abstain, assoc.result) == (0, 0, 0, NO_VOTES)
    # 45 yes against 40 no over the 85 % expressed
    assert count.yes_percent == Decimal("52.94") and count.outcome == ADOPTED


def test_all_abstain_decides_nothing() -> None:
    count = count_votes(_votes(companies="aa", associations="a"), WEIGHTED)
    assert count.outcome == NO_VOTES
    assert count.yes_percent == Decimal("0") and count.colleges[0].abstain == 2


def test_no_votes_at_all_decides_nothing() -> None:
    assert count_votes([], WEIGHTED).outcome == NO_VOTES


def test_unweighted_colleges_count_one_member_one_vote() -> None:
    flat = [CollegeIn(c.key, Decimal("0"), c.eligible) for c in WEIGHTED]
    # the companies' 3 yes outweigh 2 no elsewhere, whatever the colleges' weights would say
    count = count_votes(_votes(companies="yyy", third_places="nn", public_bodies="a"), flat)
    assert not count.weighted
    assert count.yes_percent == Decimal("60.00") and count.outcome == ADOPTED
    even = count_votes(_votes(companies="y", third_places="n"), flat)
    assert even.outcome == REJECTED and even.colleges[0].weighted_yes == 0


@pytest.mark.parametrize(
    "weights", [("40", "30", "15", "14.99"), ("50", "50", "10", "0"), ("100", "0", "0", "-0.01")]
)
def test_weights_not_summing_to_100_are_refused(weights: tuple[str, ...]) -> None:
    colleges = [CollegeIn(str(i), Decimal(w), 1) for i, w in enumerate(weights)]
    with pytest.raises(ValueError):
        count_votes([], colleges)


def test_weights_of_100_or_all_zero_are_accepted() -> None:
    assert check_weights(WEIGHTED) is True
    assert check_weights([CollegeIn("a", Decimal("0"), 1)]) is False
    assert check_weights([CollegeIn("a", Decimal("33.34"), 1), CollegeIn("b", Decimal("66.66"), 1)])


def test_unknown_college_or_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="college"):
        count_votes([VoteIn("nowhere", "yes")], WEIGHTED)
    with pytest.raises(ValueError, match="choice"):
        count_votes([VoteIn("companies", "maybe")], WEIGHTED)


def test_the_record_keeps_decimals_as_text() -> None:
    record = as_record(count_votes(_votes(companies="yn", third_places="y"), WEIGHTED))
    assert record["yes_percent"] == "71.43"  # (20 + 30) / 70
    assert record["colleges"][0] == {  # type: ignore[index]
        "key": "companies",
        "weight_percent": "40",
        "eligible": 5,
        "yes": 1,
        "no": 1,
        "abstain": 0,
        "result": TIE,
        "weighted_yes": "20.00",
        "weighted_no": "20.00",
    }

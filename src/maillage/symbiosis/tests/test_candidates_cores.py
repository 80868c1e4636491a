"""The plain cores: savings of a flow worked by hand, candidates scored and explained."""

from __future__ import annotations

import pytest

from maillage.core.geo import haversine_km
from maillage.symbiosis.candidates import Side, rank, score_pair, yearly
from maillage.symbiosis.codes import read_substitutions
from maillage.symbiosis.savings import factors, flow_savings, road_km

ALL = (1 << 12) - 1
SUMMER = 0b0000_1111_0000  # May to August


def side(id: int, code: str = "", category: str = "mineral", **extra: object) -> Side:
    values: dict[str, object] = {
        "organisation_id": id, "code": code, "category": category, "latitude": 43.30,
        "longitude": 5.37, "quantity_min": 10.0, "quantity_max": 20.0, "unit": "t",
        "period": "year", "months": ALL,
    }  # fmt: skip
    values.update(extra)
    return Side(id=id, **values)  # type: ignore[arg-type]


def test_it_saves_disposal_and_virgin_minus_transport_by_hand() -> None:
    s = flow_savings(10, 20, vehicle="rigid", offer_category="glass", demand_category="mineral")
    # Disposal 10 t × 40 €/t, virgin 10 t × 20 €/t, transport 10 t × 20 km × 0.25 €/t·km.
    assert s.disposal_avoided_eur == pytest.approx(400)
    assert s.virgin_avoided_eur == pytest.approx(200)
    assert s.transport_eur == pytest.approx(50)
    assert s.euros_saved == pytest.approx(550)
    # CO2: transport 200 t·km × 0.18, virgin sand 10 × 5, landfill of glass 10 × 10.
    assert s.transport_co2_kg == pytest.approx(36)
    assert s.co2_avoided_kg == pytest.approx(50 + 100 - 36)


def test_it_takes_the_declarers_costs_and_counts_a_long_van_trip_against_the_flow() -> None:
    s = flow_savings(2, 100, vehicle="van", disposal_cost_per_t=100, virgin_cost_per_t=50)
    assert s.euros_saved == pytest.approx(200 + 100 - 2 * 100 * 1.0)
    assert s.co2_avoided_kg == pytest.approx(-2 * 100 * 0.85)  # "other": no factor counted


def test_it_refuses_an_unknown_vehicle_and_negative_quantities() -> None:
    with pytest.raises(ValueError, match="vehicle"):
        flow_savings(1, 1, vehicle="bike")
    with pytest.raises(ValueError):
        flow_savings(-1, 1)


def test_it_estimates_road_distance_as_great_circle_times_1_3() -> None:
    great = haversine_km(43.2965, 5.3698, 43.5297, 5.4474)
    assert road_km(43.2965, 5.3698, 43.5297, 5.4474) == pytest.approx(great * 1.3)
    assert 25 < great < 28


def test_every_factor_has_a_unit_a_source_and_a_year() -> None:
    for found in factors().values():
        assert found.unit and found.source and 2000 < found.year < 2100


def test_it_converts_a_range_to_a_year_over_the_months_available() -> None:
    monthly = side(1, period="month", months=SUMMER, quantity_min=2, quantity_max=3)
    assert yearly(monthly) == (8.0, 12.0)
    weekly_kg = side(2, period="week", unit="kg", quantity_min=1000, quantity_max=1000)
    assert yearly(weekly_kg) == pytest.approx((52.0, 52.0))


def test_it_ranks_the_same_entry_above_the_same_chapter_and_drops_what_does_not_fit() -> None:
    offer = side(1, code="19 12 05", category="glass")
    same = side(2, code="19 12 05", category="glass")
    chapter = side(3, code="19 08 01", category="other")
    nothing = side(4, code="02 01 04", category="organic")
    found = rank(offer, [chapter, nothing, same], own_is_offer=True)
    assert [m.other_id for m in found] == [2, 3]
    assert found[0].closeness.reason == "same_entry"
    assert found[1].closeness.reason == "same_chapter"


def test_a_substitution_rule_explains_itself_and_no_shared_month_excludes() -> None:
    rules = read_substitutions()
    offer = side(1, code="19 12 05", category="glass", months=SUMMER)
    sand = side(2, category="mineral", months=SUMMER)
    winter_sand = side(3, category="mineral", months=0b1000_0000_0001)
    found = rank(offer, [sand, winter_sand], own_is_offer=True, substitutions=rules)
    assert [m.other_id for m in found] == [2]
    reasons = {r.key: r.values for r in found[0].reasons}
    assert "sable" in str(reasons["substitution"]["note_fr"])
    assert reasons["season"]["count"] == 4


def test_distance_quantity_and_minimum_lot_lower_the_score() -> None:
    demand = side(1, code="19 12 05", category="glass")
    near = side(2, code="19 12 05", category="glass")
    far = side(3, code="19 12 05", category="glass", latitude=44.3)
    small = side(4, code="19 12 05", category="glass", quantity_min=0.1, quantity_max=0.2)
    big_lot = side(5, code="19 12 05", category="glass", minimum_lot=500)
    found = {m.other_id: m for m in rank(demand, [near, far, small, big_lot], own_is_offer=False)}
    assert found[2].score > found[3].score
    assert found[2].score > found[4].score
    assert found[2].score > found[5].score
    assert "minimum_lot" in {r.key for r in found[5].reasons}
    assert found[2].quantity_per_year == pytest.approx(15.0)


def test_units_that_cannot_be_compared_give_no_tonnes() -> None:
    match = score_pair(side(1, category="wood"), side(2, category="wood", unit="m3"))
    assert match is not None and match.quantity_per_year is None
    assert "units_differ" in {r.key for r in match.reasons}


def test_every_substitution_rule_reads_as_five_fields_with_a_source() -> None:
    for rule in read_substitutions():
        assert rule.note_fr.endswith(".") and rule.note_en.endswith(".")
        assert rule.source and not rule.source.startswith(" ")

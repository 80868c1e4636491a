"""The scenario pages on the real database: pre-fill from the inventory under the privacy
threshold, the result a funder reads, refusals that name their field, CSV, shareable address."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from maillage.impact.queries import scenarios as queries
from maillage.impact.queries.factors import current_factors
from maillage.impact.tests.scenario_world import LASER, ScenarioWorld

pytestmark = pytest.mark.django_db

SHARE = "/impact/scenarios/share/"
RETROFIT = "/impact/scenarios/retrofit/"

# The issue's vector, every input certain (low = likely = high), as the form takes it.
VECTOR_TYPED = {
    "price": 150_000,
    "residual_share": 10,
    "discount_rate": 5,
    "life_years": 15,
    "fixed_share_of_price": 3,
    "fixed_costs_per_year": 2_000,
    "hours_available": 1_760,
    "utilisation_solo": 30,
    "utilisation_shared": 70,
    "variable_per_hour": "6,50",
    "coordination_per_hour": 3,
    "coordination_setup": 5_000,
    "embodied_kgco2e": 24_000,
    "kwh_per_hour": 0,
    "grid_kgco2e_per_kwh": "0.052",
}


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vector_query(world: ScenarioWorld, **changes) -> list[tuple[str, object]]:
    params: list[tuple[str, object]] = [("process", LASER)]
    params += [("organisations", o.pk) for o in (world.a, world.b, world.c)]
    for name, value in VECTOR_TYPED.items():
        params += [(f"{name}_{end}", value) for end in ("low", "likely", "high")]
    params += [("shape", "triangular"), ("draws", 1000), ("seed", 7)]
    replaced = dict(changes)
    return [(k, replaced.pop(k)) if k in replaced else (k, v) for k, v in params] + list(
        replaced.items()
    )


def field_block(html: str, name: str) -> str:
    start = html.index(f'id="field-{name}"')
    return html[start : start + 3000]


# --- pre-fill and privacy ------------------------------------------------------------------


def test_prices_prefill_from_the_median_of_three_organisations(scenario_world):
    prefill = queries.share_prefill(scenario_world.process, 3, current_factors())
    price = prefill["price"]
    assert (price.low, price.likely, price.high) == (140_000, 160_000, 180_000)
    assert price.origin == "inventory" and price.contributors == 3  # D, pending, never counts
    # Two organisations only give a life: the factor table's 15 years stays.
    assert prefill["life_years"].likely == 15 and prefill["life_years"].origin == "factor"
    # Power of the lasers (20 kW, four public organisations) × the load factor 0.6.
    assert prefill["kwh_per_hour"].likely == 12 and prefill["kwh_per_hour"].origin == "inventory"


def test_below_the_threshold_the_factor_table_gives_the_price(scenario_world, settings):
    settings.IMPACT_MIN_CONTRIBUTORS = 4
    prefill = queries.share_prefill(scenario_world.process, 3, current_factors())
    assert prefill["price"].likely == 50_000 and prefill["price"].origin == "factor"


def test_shared_utilisation_is_the_organisations_use_up_to_the_ceiling(scenario_world):
    factors = current_factors()
    two = queries.share_prefill(scenario_world.process, 2, factors)["utilisation_shared"]
    five = queries.share_prefill(scenario_world.process, 5, factors)["utilisation_shared"]
    assert two.likely == pytest.approx(0.60) and five.likely == pytest.approx(0.70)


def test_the_page_never_shows_one_organisations_price(scenario_world):
    query = urlencode(
        [("process", LASER), ("step", "simulate")]
        + [("organisations", o.pk) for o in (scenario_world.a, scenario_world.b)]
    )
    html = logged(scenario_world.fanny).get(f"{SHARE}?{query}").content.decode()
    assert 'name="price_likely" value="160000"' in html
    html = re.sub(r'<select name="draws".*?</select>', "", html, flags=re.S)  # 100,000 draws
    for private in ("100000", "120000", "200000", "999999"):
        assert private not in html.replace("\u202f", "").replace(",", "").replace(" ", "")


# --- the pages -----------------------------------------------------------------------------


def test_signing_in_is_needed(scenario_world):
    for url in ("/impact/scenarios/", SHARE, RETROFIT, "/impact/scenarios/share.csv"):
        answer = Client().get(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_index_links_both_scenarios(scenario_world):
    html = logged(scenario_world.fanny).get("/impact/scenarios/").content.decode()
    assert SHARE in html and RETROFIT in html


def test_choosing_a_process_lists_the_organisations_that_have_or_need_it(scenario_world):
    client = logged(scenario_world.fanny)
    first = client.get(SHARE)
    assert first.status_code == 200
    assert f'value="{LASER}"' in first.content.decode()
    html = client.get(SHARE, {"process": LASER}).content.decode()
    for listed in ("Atelier A", "Atelier B", "Atelier C", "Collectif E"):
        assert listed in html
    assert "Atelier D" not in html and "Menuiserie F" not in html
    assert 'id="percentiles"' not in html and 'class="errorlist' not in html  # nothing yet


def test_the_inventorys_figures_give_a_result_a_funder_reads(scenario_world):
    world = scenario_world
    query = urlencode(
        [("process", LASER), ("step", "simulate")]
        + [("organisations", o.pk) for o in (world.a, world.b, world.c)]
    )
    answer = logged(world.fanny).get(f"{SHARE}?{query}")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'id="percentiles"' in html and "P10" in html and "P90" in html
    assert html.count('<svg class="chart"') == 2
    assert "Sharing one machine between 3 organisations" in html
    assert "It avoids buying 2 machines" in html
    assert "Inventory: median of 3 organisations" in html
    assert "machine_price" not in html  # the inventory gave the price
    assert "<code>coordination_cost_per_hour</code>" in html and "v0" in html
    link = re.search(r'href="([^"]+)" id="permalink"', html)
    assert link and "price_likely=160000" in link.group(1) and "seed=2026" in link.group(1)


def test_the_issue_vector_reads_44_86_against_25_94(scenario_world):
    client = logged(scenario_world.fanny)
    answer = client.get(SHARE, vector_query(scenario_world))
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "from €44.86 to €25.94 (medians)" in html
    assert "cheaper in 100 % of the 1,000 draws" in html
    assert "1.30\u00a0kgCO2e/h instead of 3.03\u00a0kgCO2e/h" in html
    assert "€300,000" in html and "48.0\u00a0tCO2e" in html
    french = client.get(SHARE, vector_query(scenario_world), HTTP_ACCEPT_LANGUAGE="fr")
    text = french.content.decode()
    assert "de 44,86\u00a0€ à 25,94\u00a0€ (médianes)" in text
    assert re.search(r"moins cher dans 100\s%\sdes 1\s000 tirages", text)
    assert "44,86\u00a0€/h" in text and "3,03\u00a0kgCO2e/h" in text


def test_the_address_gives_the_same_result_again(scenario_world):
    client = logged(scenario_world.fanny)
    query = vector_query(
        scenario_world,
        price_low=120_000,
        price_high=200_000,
        utilisation_solo_low=15,
        utilisation_solo_high=45,
    )
    first = client.get(SHARE, query).content.decode()
    table = first[first.index('id="percentiles"') : first.index("</table>")]
    link = re.search(r'href="http://testserver([^"]+)" id="permalink"', first)
    assert link
    again = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert table == again[again.index('id="percentiles"') : again.index("</table>")]
    assert 'name="price_low" value="120000"' in again


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price_low": 200_000}, "price", "The low value must not be above the likely one"),
        ({"utilisation_shared_high": 150}, "utilisation_shared", "above 0 and up to 100"),
        ({"utilisation_solo_low": 0}, "utilisation_solo", "above 0 and up to 100"),
        ({"price_likely": "beaucoup"}, "price", "Give a number"),
        ({"life_years_high": ""}, "life_years", "Give the low, likely and high values."),
        ({"grid_kgco2e_per_kwh_likely": 52}, "grid_kgco2e_per_kwh", "from 0 to 2"),
        ({"draws": 7}, "draws", "Select a valid choice"),
        ({"seed": -1}, "seed", "greater than or equal to 0"),
    ],
)
def test_a_refused_input_is_named_beside_its_field(scenario_world, changes, field, message):
    answer = logged(scenario_world.fanny).get(SHARE, vector_query(scenario_world, **changes))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert message in field_block(html, field)
    assert 'id="scenario-errors"' in html and 'id="percentiles"' not in html


def test_one_organisation_or_an_unknown_one_is_refused_by_name(scenario_world):
    client = logged(scenario_world.fanny)
    world = scenario_world
    alone = [p for p in vector_query(world) if p[0] != "organisations"]
    alone.append(("organisations", world.a.pk))
    html = client.get(SHARE, alone).content.decode()
    assert "Choose at least two organisations." in field_block(html, "organisations")
    for stranger in (world.d.pk, world.f.pk, 999_999, "x", "²", "-1", "9" * 30):
        params = [*vector_query(world), ("organisations", stranger)]
        answer = client.get(SHARE, params)
        assert answer.status_code == 400
        assert 'class="errorlist"' in field_block(answer.content.decode(), "organisations")
    # Only the process and a junk organisation: the choice stays open, nothing breaks.
    assert client.get(SHARE, {"process": LASER, "organisations": "9" * 30}).status_code == 200


def test_an_unknown_process_is_refused_not_a_500(scenario_world):
    params = [(k, "9.9.9.9" if k == "process" else v) for k, v in vector_query(scenario_world)]
    answer = logged(scenario_world.fanny).get(SHARE, params)
    assert answer.status_code == 400
    assert 'class="errorlist"' in field_block(answer.content.decode(), "process")


def test_the_figures_charts_and_inputs_come_as_csv(scenario_world):
    client = logged(scenario_world.fanny)
    query = vector_query(scenario_world)
    summary = client.get("/impact/scenarios/share.csv", query)
    assert summary["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(summary.content.decode().lstrip("\ufeff"))))
    by_name = {row["output"]: row for row in rows}
    assert round(float(by_name["cost_solo"]["p50"]), 2) == 44.86
    assert round(float(by_name["cost_shared"]["p50"]), 2) == 25.94
    assert by_name["shared_cheaper"]["p50"] == "1.0" and by_name["seed"]["p50"] == "7"
    bins = client.get("/impact/scenarios/share.csv", [*query, ("part", "histogram")])
    lines = list(csv.reader(io.StringIO(bins.content.decode().lstrip("\ufeff"))))
    assert lines[0] == ["output", "bin_low", "bin_high", "draws"] and len(lines) == 1 + 10 * 24
    inputs = client.get("/impact/scenarios/share.csv", [*query, ("part", "inputs")])
    text = inputs.content.decode()
    assert "price,Price of the machine (€),EUR,fixed,150000.0,150000.0,150000.0" in text
    bad = client.get("/impact/scenarios/share.csv", vector_query(scenario_world, price_low=9e9))
    assert bad.status_code == 400 and "price" in bad.content.decode()


# --- retrofit ------------------------------------------------------------------------------


def test_a_member_sees_their_machines_price_another_person_the_defaults(scenario_world):
    world = scenario_world
    params = {"machines": world.a_laser.pk, "step": "simulate"}
    mine = logged(world.alice).get(RETROFIT, params)
    assert mine.status_code == 200
    assert 'name="new_price_likely" value="100000"' in mine.content.decode()
    theirs = logged(world.bob).get(RETROFIT, params).content.decode()
    assert 'name="new_price_likely" value="150000"' in theirs
    theirs = re.sub(r'<select name="draws".*?</select>', "", theirs, flags=re.S)
    assert "100000" not in theirs and "100,000" not in theirs
    assert "public data and the defaults" in theirs


def test_the_retrofit_page_lists_own_machines_and_finds_public_ones(scenario_world):
    world = scenario_world
    client = logged(world.bob)
    html = client.get(RETROFIT).content.decode()
    assert "Laser B" in html and "Laser A1" not in html
    found = client.get(RETROFIT, {"q": "laser"}).content.decode()
    assert "Laser A1" in found and "Laser D" not in found  # D is not validated
    refused = client.get(RETROFIT, {"machines": world.d_laser.pk, "step": "simulate"})
    assert refused.status_code == 400
    assert 'class="errorlist"' in field_block(refused.content.decode(), "machines")
    nothing = client.get(RETROFIT, {"step": "simulate"})
    assert nothing.status_code == 400
    for junk in ("²", "9" * 30, "-3"):
        answer = client.get(RETROFIT, {"machines": junk, "step": "simulate"})
        assert answer.status_code == 400
        assert 'class="errorlist"' in field_block(answer.content.decode(), "machines")


def test_retrofitting_two_machines_reads_as_a_decision(scenario_world):
    world = scenario_world
    params = [("machines", world.a_laser.pk), ("machines", world.b_laser.pk), ("step", "x")]
    answer = logged(world.fanny).get(RETROFIT, params)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Retrofitting 2 machines instead of buying new ones costs" in html
    assert html.count('<svg class="chart"') == 2
    rows = list(
        csv.DictReader(
            io.StringIO(
                logged(world.fanny)
                .get("/impact/scenarios/retrofit.csv", params)
                .content.decode()
                .lstrip("\ufeff")
            )
        )
    )
    by_name = {row["output"]: row for row in rows}
    assert float(by_name["retrofit_cost_per_year"]["p50"]) < float(
        by_name["replace_cost_per_year"]["p50"]
    )

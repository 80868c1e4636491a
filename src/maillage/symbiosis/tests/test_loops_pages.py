"""Loop pages and API: everyone reads the indicators; stocks and rounds stay with the loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.models import CollectionRound, RoundState, StockReport
from maillage.symbiosis.tests.loop_world import english, report_all, world, year_of_months

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db]
TODAY = timezone.localdate()


@pytest.fixture
def planned(world: Any) -> Any:
    year_of_months(world["loop"], TODAY)
    report_all(world, [(3, 1), (6, 2), (6, 2)])  # the third shop does not fit in the van
    return actions.plan_round(world["alice"], world["loop"], TODAY, time_limit_s=0.2)


def test_everyone_reads_the_loop_and_its_indicators_in_french(client: Any, planned: Any) -> None:
    answer = client.get(reverse("symbiosis:loops"))
    assert answer.status_code == 200 and "Consigne test" in answer.content.decode()
    page = client.get(reverse("symbiosis:loop", args=["consigne-test"])).content.decode()
    assert "12\xa0000 bouteilles/an" in page
    assert "84 %" in page  # 800 returned of 950 sold
    assert "kg CO2e par usage" in page
    assert "Fabrication du verre : 0,85 kg CO2e par kg de verre" in page
    assert "Épicerie A" in page  # the members are public
    # A shop's stock is its business; rounds are the loop's.
    assert 'id="reports"' not in page and 'id="rounds"' not in page
    assert 'id="stock-form"' not in page and 'id="round-form"' not in page


@pytest.mark.usefixtures("english")
def test_a_shop_sees_its_own_stock_only_and_the_hub_sees_all(
    client: Any, world: Any, planned: Any
) -> None:
    url = reverse("symbiosis:loop", args=["consigne-test"])
    client.force_login(world["sam"])
    page = client.get(url).content.decode()
    assert 'id="stock-form"' in page and 'id="round-form"' not in page
    assert page.count("crates of empties</td>") + page.count("crate of empties</td>") == 1
    client.force_login(world["alice"])
    page = client.get(url).content.decode()
    assert 'id="round-form"' in page and 'id="stock-form"' not in page
    assert page.count("crates of empties</td>") == 3
    client.force_login(world["olga"])
    page = client.get(url).content.decode()
    assert 'id="reports"' not in page and 'id="rounds"' not in page


@pytest.mark.usefixtures("english")
def test_a_shop_member_reports_a_stock_from_the_page(client: Any, world: Any) -> None:
    url = reverse("symbiosis:loop_stock", args=["consigne-test"])
    shop = world["shops"][0]
    client.force_login(world["sam"])
    answer = client.post(
        url, {"member": shop.pk, "empty_crates": 3, "full_crates_wanted": 1}, follow=True
    )
    assert "Stock reported: 3 crates of empties." in answer.content.decode()
    answer = client.post(
        url, {"member": shop.pk, "empty_crates": 40, "full_crates_wanted": 1}, follow=True
    )
    assert "The van holds 10 crates" in answer.content.decode()
    # Another shop's membership is not a choice for sam.
    client.post(url, {"member": world["shops"][1].pk, "empty_crates": 1, "full_crates_wanted": 1})
    assert StockReport.objects.filter(member=world["shops"][1]).count() == 0
    client.force_login(world["olga"])
    assert client.post(url, {"member": shop.pk, "empty_crates": 1}).status_code == 403
    client.logout()
    assert client.post(url, {"member": shop.pk, "empty_crates": 1}).status_code == 302
    assert StockReport.objects.count() == 1


@pytest.mark.usefixtures("english")
def test_the_hub_plans_a_round_and_sees_its_map_table_and_left_out_shops(
    client: Any, world: Any
) -> None:
    report_all(world, [(3, 1), (6, 2), (6, 2)])
    client.force_login(world["sam"])
    new = reverse("symbiosis:loop_round_new", args=["consigne-test"])
    assert client.post(new, {"planned_for": TODAY.isoformat()}).status_code == 403
    client.force_login(world["alice"])
    answer = client.post(new, {"planned_for": TODAY.isoformat()}, follow=True)
    found = CollectionRound.objects.get()
    assert answer.redirect_chain[-1][0] == reverse(
        "symbiosis:loop_round", args=["consigne-test", found.pk]
    )
    page = answer.content.decode()
    assert "Round planned" in page and 'id="round-map"' in page
    assert "loop-round.js" in page and 'id="stops"' in page
    assert "no room left in the van" in page
    assert "km" in page


def test_the_round_page_is_the_loops_and_closes_once(client: Any, world: Any, planned: Any) -> None:
    url = reverse("symbiosis:loop_round", args=["consigne-test", planned.pk])
    close = reverse("symbiosis:loop_round_close", args=["consigne-test", planned.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(world["olga"])
    assert client.get(url).status_code == 404
    assert client.post(close).status_code == 404
    client.force_login(world["tom"])  # a shop: the round lists the other shops' stocks
    assert client.get(url).status_code == 404
    assert client.post(close).status_code in (403, 404)
    client.force_login(world["pat"])  # a member of the hub reads the round
    page = client.get(url).content.decode()
    assert "Distance totale : 4,2\xa0km" in page
    assert "place dans la camionnette" in page
    planned.refresh_from_db()
    assert planned.state == RoundState.PLANNED
    client.force_login(world["walter"])
    answer = client.post(close, follow=True)
    planned.refresh_from_db()
    assert planned.state == RoundState.DONE
    assert "Tournée terminée" in answer.content.decode()


def test_the_api_lists_loops_gives_indicators_and_takes_stocks_and_rounds(
    client: Any, world: Any, planned: Any
) -> None:
    base = "/api/v1/symbiosis/loops"
    listed = client.get(base).json()
    assert [row["slug"] for row in listed] == ["consigne-test"]
    detail = client.get(f"{base}/consigne-test").json()
    assert detail["indicators"]["filled_per_year"] == 12_000
    assert detail["indicators"]["return_rate"] == pytest.approx(800 / 950)
    assert detail["indicators"]["break_even_uses"] < 2
    assert len(detail["members"]) == 5
    shop = world["shops"][0]
    body = {"member": shop.pk, "empty_crates": 2, "full_crates_wanted": 1}
    assert client.post(f"{base}/consigne-test/stock", body, "application/json").status_code == 401
    client.force_login(world["olga"])
    assert client.post(f"{base}/consigne-test/stock", body, "application/json").status_code == 403
    assert client.get(f"{base}/consigne-test/rounds/{planned.pk}").status_code == 403
    client.force_login(world["sam"])
    answer = client.post(f"{base}/consigne-test/stock", body, "application/json")
    assert answer.status_code == 201 and answer.json()["empty_crates"] == 2
    bad = client.post(
        f"{base}/consigne-test/stock", {**body, "empty_crates": 99}, "application/json"
    )
    assert bad.status_code == 422
    # A shop does not read the round: it lists the other shops' stocks.
    assert client.get(f"{base}/consigne-test/rounds/{planned.pk}").status_code == 403
    client.force_login(world["alice"])
    assert client.get(f"{base}/consigne-test/rounds/{planned.pk}").json()["stops"]
    rounds = f"{base}/consigne-test/rounds"
    answer = client.post(rounds, {"planned_for": TODAY.isoformat()}, "application/json")
    assert answer.status_code == 422  # the day already has its round
    assert "planned_for" in str(answer.json())
    tomorrow = TODAY + dt.timedelta(days=1)
    answer = client.post(rounds, {"planned_for": tomorrow.isoformat()}, "application/json")
    assert answer.status_code == 201
    assert answer.json()["stops"][0]["member"] == shop.pk


def test_the_hub_records_a_month_from_the_page_and_others_cannot(client: Any, world: Any) -> None:
    url = reverse("symbiosis:loop_month", args=["consigne-test"])
    last = TODAY.replace(day=1) - dt.timedelta(days=1)
    counts = {"month": last.strftime("%Y-%m"), "filled": 1200, "sold": 1100}
    client.force_login(world["sam"])
    assert client.post(url, {**counts, "returned": 900, "broken": 10}).status_code == 403
    client.force_login(world["alice"])
    page = client.get(reverse("symbiosis:loop", args=["consigne-test"])).content.decode()
    assert 'id="month-form"' in page
    answer = client.post(url, {**counts, "returned": 1500, "broken": 10}, follow=True)
    assert "Les retours (1500) ne peuvent dépasser" in answer.content.decode()
    answer = client.post(url, {**counts, "returned": 900, "broken": 10}, follow=True)
    assert "Mois enregistré" in answer.content.decode()
    assert world["loop"].months.get().returned == 900


def test_the_washing_centre_cancels_a_round_and_the_stocks_stay_to_collect(
    client: Any, world: Any, planned: Any
) -> None:
    close = reverse("symbiosis:loop_round_close", args=["consigne-test", planned.pk])
    client.force_login(world["walter"])
    answer = client.post(close, {"cancel": "1"}, follow=True)
    assert "Tournée annulée" in answer.content.decode()
    planned.refresh_from_db()
    assert planned.state == RoundState.CANCELLED
    again = actions.plan_round(world["walter"], world["loop"], TODAY, time_limit_s=0.1)
    assert len(again.stops) == len(planned.stops)

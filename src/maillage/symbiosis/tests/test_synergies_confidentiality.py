"""What each person reads of a synergy on every channel — page, API, CSV, GeoJSON — before and
after both sides accept: the private values of the other side appear only once both accepted;
coordinators read everything and each read is logged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maillage.symbiosis.models import PrivateFieldRead
from maillage.symbiosis.tests import synergy_world
from maillage.symbiosis.tests.synergy_world import DEMAND_PRIVATE, OFFER_PRIVATE, agree

english, world = synergy_world.english, synergy_world.world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Rendered as on the pages (English number format) and in the exports.
OFFER_VALUES = [OFFER_PRIVATE["composition"], OFFER_PRIVATE["site"], "37.77"]
DEMAND_VALUES = [DEMAND_PRIVATE["composition"], DEMAND_PRIVATE["site"], "41.41"]
OFFER_SITE_LAT, DEMAND_SITE_LAT = "43.3101", "43.5202"


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(client: Client, world: Any) -> str:
    response = client.get(reverse("symbiosis:synergy", args=[world["synergy"].pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(client: Client, world: Any) -> str:
    response = client.get(f"/api/v1/symbiosis/synergies/{world['synergy'].pk}")
    assert response.status_code == 200, response.content
    return json.dumps(response.json(), ensure_ascii=False)


def _exports(client: Client) -> str:
    csv = client.get(reverse("symbiosis:flows_csv"))
    geojson = client.get(reverse("symbiosis:flows_geojson"))
    page = client.get(reverse("symbiosis:flows"))
    assert csv.status_code == geojson.status_code == page.status_code == 200
    collection = json.dumps(geojson.json(), ensure_ascii=False)
    return csv.content.decode() + collection + page.content.decode()


def _absent(text: str, values: list[str]) -> None:
    for value in values:
        assert value not in text, value


def _present(text: str, values: list[str]) -> None:
    for value in values:
        assert value in text, value


def test_the_page_shows_a_side_only_its_own_private_values_before_both_accept(world: Any) -> None:
    text = _page(_client(world["alice"]), world)
    _present(text, [*OFFER_VALUES, "123.456"])
    _absent(text, [*DEMAND_VALUES, "88.888", "77.777", "4,321"])
    assert "shared once both sides accept" in text


def test_a_single_acceptance_reveals_nothing(world: Any) -> None:
    from maillage.symbiosis.actions.synergies import accept_synergy

    accept_synergy(world["alice"], world["synergy"])
    _absent(_page(_client(world["bob"]), world), [*OFFER_VALUES, "123.456"])
    _absent(_api(_client(world["bob"]), world), [*OFFER_VALUES, "123.456"])


def test_the_page_reveals_the_counterpart_once_both_accept(world: Any) -> None:
    agree(world)
    text = _page(_client(world["alice"]), world)
    _present(text, OFFER_VALUES + DEMAND_VALUES + ["88.888", "77.777", "4,321", "9.9 t CO2e"])
    text = _page(_client(world["bob"]), world)
    _present(text, OFFER_VALUES + DEMAND_VALUES + ["123.456"])


def test_another_organisation_and_visitors_cannot_open_the_synergy(world: Any) -> None:
    agree(world)
    url = reverse("symbiosis:synergy", args=[world["synergy"].pk])
    assert _client(world["eve"]).get(url).status_code == 404
    assert _client().get(url).status_code == 302
    assert (
        _client(world["eve"]).get(f"/api/v1/symbiosis/synergies/{world['synergy'].pk}").status_code
        == 404
    )
    assert _client().get(f"/api/v1/symbiosis/synergies/{world['synergy'].pk}").status_code == 401


def test_a_coordinator_reads_everything_and_each_read_is_logged(world: Any) -> None:
    text = _page(_client(world["coord"]), world)
    _present(text, OFFER_VALUES + DEMAND_VALUES + ["77.777"])
    reads = PrivateFieldRead.objects.filter(user=world["coord"], channel="page")
    assert sorted(r.object_id for r in reads) == sorted([world["offer"].pk, world["demand"].pk])
    assert set(reads[0].fields.split(",")) == {"composition", "price", "quantity", "site"}
    _present(_api(_client(world["coord"]), world), ["Chêne massif ZQX", "41.41"])
    assert PrivateFieldRead.objects.filter(user=world["coord"], channel="api").count() == 2


def test_the_api_hides_the_counterpart_before_and_shows_it_after(world: Any) -> None:
    before = json.loads(_api(_client(world["alice"]), world))
    assert before["demand"]["composition"] is None and before["demand"]["address"] is None
    assert before["demand"]["price"] is None and before["quantity_per_year"] is None
    assert before["offer"]["composition"] == OFFER_PRIVATE["composition"]
    agree(world)
    after = json.loads(_api(_client(world["alice"]), world))
    assert after["demand"]["composition"] == DEMAND_PRIVATE["composition"]
    assert after["demand"]["address"] == DEMAND_PRIVATE["site"]
    assert after["quantity_per_year"] == "77.777" or float(after["quantity_per_year"]) == 77.777
    assert not PrivateFieldRead.objects.exists()


def test_no_flow_is_public_before_both_accept(world: Any) -> None:
    for client in (_client(), _client(world["eve"]), _client(world["alice"])):
        text = _exports(client)
        _absent(text, ["Chutes de bois"])


def test_the_public_flow_hides_exact_sites_and_quantities(world: Any) -> None:
    agree(world)
    for client in (_client(), _client(world["eve"])):
        text = _exports(client)
        _present(text, ["Chutes de bois", "Bois pour chaudière"])
        _absent(text, OFFER_VALUES + DEMAND_VALUES + [OFFER_SITE_LAT, DEMAND_SITE_LAT, "77.777"])
    collection = _client().get(reverse("symbiosis:flows_geojson")).json()
    (feature,) = collection["features"]
    assert feature["geometry"]["type"] == "LineString"
    props = feature["properties"]
    assert props["exact"] is False and props["per_year"] is None and props["url"] is None
    assert (props["per_year_low"], props["per_year_high"]) == (10.0, 100.0)
    assert props["offer_exact_site"] is False


def test_the_sides_and_coordinators_see_their_flow_exactly(world: Any) -> None:
    agree(world)
    for user in ("alice", "bob", "coord"):
        text = _exports(_client(world[user]))
        _present(text, [OFFER_SITE_LAT, DEMAND_SITE_LAT, "77.777"])
        _absent(text, [OFFER_PRIVATE["composition"], "37.77"])  # flows carry no price nor notes
    coordinator_reads = PrivateFieldRead.objects.filter(user=world["coord"])
    assert sorted(set(coordinator_reads.values_list("channel", flat=True))) == [
        "csv",
        "geojson",
        "page",
    ]
    assert not PrivateFieldRead.objects.exclude(user=world["coord"]).exists()


def test_public_sites_are_exact_for_everyone(world: Any) -> None:
    offer = world["offer"]
    offer.site_visibility = "public"
    offer.save()
    agree(world)
    props = _client().get(reverse("symbiosis:flows_geojson")).json()["features"][0]["properties"]
    assert props["offer_exact_site"] is True and props["demand_exact_site"] is False
    assert OFFER_SITE_LAT in _exports(_client())

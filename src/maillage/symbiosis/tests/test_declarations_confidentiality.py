"""The confidentiality matrix: who reads which private field of a declaration, on the page,
the API (list and detail), the CSV and the GeoJSON; and the log of coordinators' reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from maillage.symbiosis.models import PrivateFieldRead, ResourceDeclaration, Visibility
from maillage.symbiosis.tests.declaration_world import World, secrets_in, world

pytestmark = pytest.mark.django_db
_ = world

ALL = {"quantity": True, "price": True, "composition": True, "site": True}
NONE = dict.fromkeys(ALL, False)
CHANNELS = ("page", "api_list", "api_detail", "csv", "geojson")


def read(world: World, who: str, channel: str) -> str:
    client = world.client(who)
    url = {
        "page": f"/symbiosis/declarations/{world.offer.pk}/",
        "api_list": "/api/v1/symbiosis/declarations?direction=offer",
        "api_detail": f"/api/v1/symbiosis/declarations/{world.offer.pk}",
        "csv": "/symbiosis/declarations.csv?direction=offer",
        "geojson": "/symbiosis/declarations.geojson?direction=offer",
    }[channel]
    response = client.get(url)
    assert response.status_code == 200, (who, channel, response.status_code)
    body = response.content.decode()
    assert "Sciure de hêtre" in body or "Sciure de h\\u00eatre" in body, (who, channel)
    return body


def counterpart(world: World, *, accepted: bool) -> str:
    world.synergy(accepted=accepted)
    return "partner"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", NONE),
        ("other", NONE),
        ("coordinator", ALL),
        ("owner", ALL),
        ("before", NONE),
        ("after", ALL),
    ],
)
def test_it_shows_each_viewer_only_what_they_may_read(
    world: World, who: str, expected: dict[str, bool], channel: str
) -> None:
    if who in ("before", "after"):
        who = counterpart(world, accepted=who == "after")
    assert secrets_in(read(world, who, channel)) == expected


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_keeps_coordinators_only_fields_from_an_accepted_counterpart(
    world: World, channel: str
) -> None:
    ResourceDeclaration.objects.filter(pk=world.offer.pk).update(
        price_visibility=Visibility.COORDINATORS, site_visibility=Visibility.PUBLIC
    )
    world.synergy(accepted=True)
    seen = secrets_in(read(world, "partner", channel))
    assert seen == {"quantity": True, "price": False, "composition": True, "site": True}
    assert secrets_in(read(world, "anonymous", channel)) == {
        "quantity": False,
        "price": False,
        "composition": False,
        "site": True,
    }


def test_it_always_gives_the_public_order_of_magnitude_and_the_commune(world: World) -> None:
    body = json.loads(read(world, "anonymous", "api_detail"))
    assert body["quantity_magnitude"] == [100.0, 1000.0]
    assert body["quantity_min"] is None and body["price"] is None
    assert body["composition"] is None and body["latitude"] is None
    assert body["commune"].startswith("Marseille")
    assert body["hazardous"] is False
    assert body["readable"] == []


def test_it_places_a_hidden_site_at_its_commune_centroid(world: World) -> None:
    commune = world.site.commune
    assert commune is not None
    features = json.loads(read(world, "anonymous", "geojson"))["features"]
    (feature,) = [f for f in features if f["id"] == world.offer.pk]
    assert feature["geometry"]["coordinates"] == [commune.longitude, commune.latitude]
    assert feature["properties"]["exact_site"] is False
    owner_features = json.loads(read(world, "owner", "geojson"))["features"]
    (own,) = [f for f in owner_features if f["id"] == world.offer.pk]
    assert own["geometry"]["coordinates"] == [5.41234, 43.31234]


@pytest.mark.parametrize("channel", CHANNELS)
def test_it_logs_a_coordinators_reads_with_the_channel(world: World, channel: str) -> None:
    read(world, "coordinator", channel)
    logs = PrivateFieldRead.objects.filter(object_id=world.offer.pk, kind="resource")
    assert [(r.user_id, r.organisation_id, r.fields) for r in logs] == [
        (world.coordinator.pk, world.sawmill.pk, "composition,price,quantity,site")
    ]
    expected = "api" if channel.startswith("api") else channel
    assert logs.get().channel == expected


@pytest.mark.parametrize("who", ["owner", "anonymous", "other", "partner"])
@pytest.mark.parametrize("channel", CHANNELS)
def test_it_logs_no_read_of_anyone_but_a_coordinator(world: World, who: str, channel: str) -> None:
    world.synergy(accepted=True)
    read(world, who, channel)
    assert not PrivateFieldRead.objects.exists()


def test_it_does_not_log_a_coordinator_reading_an_accepted_counterpart_field(
    world: World, make_user: Any
) -> None:
    from maillage.directory.models import Membership, Role

    Membership.objects.create(user=world.coordinator, organisation=world.joinery, role=Role.ADMIN)
    world.synergy(accepted=True)
    read(world, "coordinator", "page")
    assert not PrivateFieldRead.objects.exists()


def test_it_lists_publicly_without_any_private_value_nor_log(world: World) -> None:
    for who in ("anonymous", "other", "coordinator", "owner"):
        response = world.client(who).get("/symbiosis/")
        assert response.status_code == 200
        assert secrets_in(response.content.decode()) == NONE
    assert not PrivateFieldRead.objects.exists()


def test_it_hides_a_paused_declaration_from_the_public_but_not_its_owner(world: World) -> None:
    ResourceDeclaration.objects.filter(pk=world.offer.pk).update(state="paused")
    url = f"/symbiosis/declarations/{world.offer.pk}/"
    assert world.client("anonymous").get(url).status_code == 404
    assert world.client("other").get(url).status_code == 404
    assert world.client("owner").get(url).status_code == 200
    api = f"/api/v1/symbiosis/declarations/{world.offer.pk}"
    assert world.client("anonymous").get(api).status_code == 404
    assert world.client("owner").get(api).status_code == 200
    listed = world.client("anonymous").get("/api/v1/symbiosis/declarations").json()
    assert world.offer.pk not in [item["id"] for item in listed["items"]]


def test_it_shows_the_organisation_who_read_its_private_fields(world: World) -> None:
    read(world, "coordinator", "csv")
    page = world.client("owner").get(f"/o/{world.sawmill.slug}/symbiosis/").content.decode()
    assert 'id="private-reads"' in page
    assert "coord" in page and "Export CSV" in page and "Quantité exacte" in page


def test_it_reads_a_page_of_the_api_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries: Any, no_api_throttle: None
) -> None:
    from maillage.symbiosis.actions.declarations import declare_resource
    from maillage.symbiosis.tests.declaration_world import offer_input

    for n in range(20):
        declare_resource(world.owner, world.sawmill, offer_input(world.site, title=f"Lot {n}"))
    client = world.client("coordinator")
    with django_assert_max_num_queries(12):
        answer = client.get("/api/v1/symbiosis/declarations?limit=50")
    assert answer.json()["count"] == 22
    assert PrivateFieldRead.objects.count() == 22


def test_the_csv_export_keeps_formulas_from_running(world: World) -> None:
    ResourceDeclaration.objects.filter(pk=world.offer.pk).update(title="=HYPERLINK(1)")
    body = world.client("anonymous").get("/symbiosis/declarations.csv").content.decode()
    assert "'=HYPERLINK(1)" in body

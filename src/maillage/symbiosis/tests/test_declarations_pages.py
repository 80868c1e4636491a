"""Declarations pages: declare and edit in French, pause/close/reopen, the organisation's own
list, who may open the writing pages; and the API's writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from maillage.symbiosis.models import ResourceDeclaration
from maillage.symbiosis.tests.declaration_world import World, secrets_in, world

pytestmark = pytest.mark.django_db
_ = world


def form_data(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "direction": "offer",
        "title": "Chutes de contreplaqué",
        "site": world.site.pk,
        "waste_code": "03 01 05",
        "category": "",
        "regulatory_status": "waste",
        "quantity_min": "1 200,5",
        "quantity_max": "2 000",
        "unit": "kg",
        "period": "month",
        "months": ["3", "4", "5"],
        "minimum_lot": "",
        "packaging": "",
        "composition": "",
        "price": "",
        "current_cost": "12,50",
        "quantity_visibility": "coordinators",
        "price_visibility": "counterpart",
        "composition_visibility": "public",
        "site_visibility": "public",
    }
    data.update(changes)
    return data


def test_it_declares_from_the_form_with_french_numbers(world: World) -> None:
    client = world.client("owner")
    url = f"/o/{world.sawmill.slug}/symbiosis/declare/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Qui voit la quantité exacte" in text and "Tout le monde" in text
    assert "vendor/htmx/htmx.min.js" in text
    answer = client.post(url, form_data(world))
    assert answer.status_code == 302
    saved = ResourceDeclaration.objects.get(title="Chutes de contreplaqué")
    assert answer["Location"] == f"/symbiosis/declarations/{saved.pk}/"
    assert saved.quantity_min == Decimal("1200.5") and saved.current_cost == Decimal("12.5")
    assert saved.months == 0b11100 and saved.category == "wood"
    assert saved.quantity_visibility == "coordinators"
    shown = client.get(answer["Location"]).content.decode()
    assert "1\xa0200,5 – 2\xa0000 kilogrammes par mois" in shown
    assert "mars, avril, mai" in shown


def test_it_shows_the_errors_beside_the_fields_in_french(world: World) -> None:
    client = world.client("owner")
    answer = client.post(
        f"/o/{world.sawmill.slug}/symbiosis/declare/",
        form_data(world, quantity_min="9", quantity_max="3", months=[], waste_code="03"),
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "La quantité maximale doit être au moins égale à la minimale." in text
    assert "Cochez au moins un mois." in text
    assert "pas un chapitre ni une section" in text
    assert not ResourceDeclaration.objects.filter(title="Chutes de contreplaqué").exists()


def test_it_edits_with_the_values_shown_in_french(world: World) -> None:
    client = world.client("owner")
    url = f"/symbiosis/declarations/{world.offer.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'value="123,456"' in page and 'value="78,9"' in page
    answer = client.post(url, form_data(world, title="Sciure fine"))
    assert answer.status_code == 302
    world.offer.refresh_from_db()
    assert world.offer.title == "Sciure fine"


@pytest.mark.parametrize("who", ["anonymous", "other", "partner"])
def test_it_keeps_the_writing_pages_to_members_and_coordinators(world: World, who: str) -> None:
    client = world.client(who)
    slug = world.sawmill.slug
    pk = world.offer.pk
    expected = 302 if who == "anonymous" else 403
    assert client.get(f"/o/{slug}/symbiosis/declare/").status_code == expected
    assert client.get(f"/o/{slug}/symbiosis/").status_code == expected
    assert client.get(f"/o/{slug}/symbiosis/import/").status_code == expected
    edit = client.get(f"/symbiosis/declarations/{pk}/edit/").status_code
    assert edit == (302 if who == "anonymous" else 404)
    client.post(f"/symbiosis/declarations/{pk}/state/", {"change": "close"})
    world.offer.refresh_from_db()
    assert world.offer.state == "active"
    assert world.client("coordinator").get(f"/o/{slug}/symbiosis/declare/").status_code == 200


def test_it_pauses_and_reopens_from_the_page(world: World) -> None:
    client = world.client("owner")
    url = f"/symbiosis/declarations/{world.offer.pk}/state/"
    client.post(url, {"change": "pause"})
    world.offer.refresh_from_db()
    assert world.offer.state == "paused"
    again = client.post(url, {"change": "pause"}, follow=True).content.decode()
    assert "ce changement ne s’applique plus" in again
    client.post(url, {"change": "reopen"})
    world.offer.refresh_from_db()
    assert world.offer.state == "active"


def test_the_own_list_shows_private_values_to_members(world: World) -> None:
    page = world.client("owner").get(f"/o/{world.sawmill.slug}/symbiosis/").content.decode()
    assert secrets_in(page)["quantity"] and secrets_in(page)["price"]


def test_the_index_links_the_other_symbiosis_pages(world: World) -> None:
    page = world.client("anonymous").get("/symbiosis/").content.decode()
    for path in ("/symbiosis/heat/", "/symbiosis/loops/", "/symbiosis/flows/"):
        assert f'href="{path}"' in page
    assert "Sciure de hêtre" in page and "de 100 à 1" in page


# --- API writes ---------------------------------------------------------------------------------


def api_body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation": world.sawmill.slug,
        "site": world.site.pk,
        "direction": "demand",
        "title": "Palettes",
        "category": "container",
        "quantity_min": "10",
        "quantity_max": "40",
        "unit": "unit",
        "period": "month",
        "months": [1, 2, 3],
        "regulatory_status": "product",
        "price": "4.50",
    }
    body.update(changes)
    return body


def test_the_api_creates_updates_and_changes_state(world: World) -> None:
    client = world.client("owner")
    created = client.post(
        "/api/v1/symbiosis/declarations", api_body(world), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["months"] == [1, 2, 3] and data["price"] == "4.50"
    assert data["readable"] == ["composition", "price", "quantity", "site"]
    url = f"/api/v1/symbiosis/declarations/{data['id']}"
    body = api_body(world, quantity_max="60")
    del body["organisation"]
    updated = client.put(url, body, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["quantity_max"] == "60.000"
    paused = client.post(url + "/state", {"change": "pause"}, content_type="application/json")
    assert paused.json()["state"] == "paused"
    again = client.post(url + "/state", {"change": "pause"}, content_type="application/json")
    assert again.status_code == 422


def test_the_api_names_bad_fields_and_refuses_others(world: World) -> None:
    owner = world.client("owner")
    bad = owner.post(
        "/api/v1/symbiosis/declarations",
        api_body(world, quantity_min="50", months=[]),
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = {tuple(e["loc"]) for e in bad.json()["detail"]}
    assert fields == {("body", "quantity_max"), ("body", "months")}
    other = world.client("other").post(
        "/api/v1/symbiosis/declarations", api_body(world), content_type="application/json"
    )
    assert other.status_code == 403
    anonymous = world.client("anonymous").post(
        "/api/v1/symbiosis/declarations", api_body(world), content_type="application/json"
    )
    assert anonymous.status_code == 401
    body = api_body(world)
    del body["organisation"]
    put = world.client("other").put(
        f"/api/v1/symbiosis/declarations/{world.offer.pk}", body, content_type="application/json"
    )
    assert put.status_code == 403

"""Proposing a synergy: who may, what is refused, the estimates stored, pages and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.directory.actions import people as people_actions
from maillage.matching.tests.test_api import post
from maillage.symbiosis.actions.proposals import propose_synergy
from maillage.symbiosis.models import Synergy, SynergyState
from maillage.symbiosis.tests import candidates_world

world, english = candidates_world.world, candidates_world.english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "no_api_throttle")]


def _auth(user: Any) -> dict[str, str]:
    key = people_actions.create_api_token(user, "test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_member_of_either_side_proposes_with_the_estimates(world: Any) -> None:
    synergy = propose_synergy(world["bob"], world["offer"], world["sand"], vehicle="articulated")
    assert synergy.state == SynergyState.PROPOSED and synergy.proposed_by == world["bob"]
    assert float(synergy.quantity_per_year) == pytest.approx(65.0)
    assert synergy.unit == "t" and synergy.vehicle == "articulated"
    assert synergy.distance_km is not None and 30 < synergy.distance_km < 40
    assert synergy.euros_saved_per_year is not None and synergy.euros_saved_per_year > 0
    assert synergy.co2_avoided_kg_per_year is not None
    assert "Substitution" in synergy.explanation


def test_a_coordinator_proposes_a_given_quantity(world: Any) -> None:
    synergy = propose_synergy(
        world["coordinator"], world["offer"], world["same_code"], quantity_per_year="12.5"
    )
    assert float(synergy.quantity_per_year) == 12.5


def test_someone_of_neither_side_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        propose_synergy(world["dan"], world["offer"], world["sand"])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("directions", "joins an offer to a demand"),
        ("closed", "no longer active"),
        ("again", "already under way"),
        ("quantity", "must be positive"),
        ("vehicle", "van, a rigid or an articulated"),
    ],
)
def test_it_refuses_wrong_pairs_with_a_clear_message(world: Any, case: str, message: str) -> None:
    offer, sand, carol = world["offer"], world["sand"], world["carol"]
    calls = {
        "directions": lambda: propose_synergy(carol, world["same_code"], offer),
        "closed": lambda: propose_synergy(carol, offer, world["closed"]),
        "again": lambda: propose_synergy(world["bob"], offer, sand),
        "quantity": lambda: propose_synergy(world["bob"], offer, sand, quantity_per_year="-3"),
        "vehicle": lambda: propose_synergy(world["bob"], offer, sand, vehicle="bike"),
    }
    if case == "again":
        propose_synergy(world["alice"], offer, sand)
    with pytest.raises(ValidationError, match=message):
        calls[case]()
    assert Synergy.objects.count() == (1 if case == "again" else 0)


def test_the_same_organisation_cannot_feed_itself(world: Any) -> None:
    from maillage.symbiosis.tests.candidates_world import AIX, declare

    own = declare(world["verrerie"], AIX, "demand", waste_code_id="19 12 05", category="glass")
    with pytest.raises(ValidationError, match="same organisation"):
        propose_synergy(world["alice"], world["offer"], own)


def test_a_declined_synergy_can_be_proposed_again(world: Any) -> None:
    first = propose_synergy(world["alice"], world["offer"], world["sand"])
    Synergy.objects.filter(pk=first.pk).update(state=SynergyState.DECLINED)
    assert propose_synergy(world["bob"], world["offer"], world["sand"]).pk != first.pk


def test_the_propose_page_posts_and_comes_back_with_a_message(client: Any, world: Any) -> None:
    client.force_login(world["bob"])
    url = f"/symbiosis/declarations/{world['sand'].pk}/propose/{world['offer'].pk}/"
    answer = client.post(url, {"vehicle": "rigid"}, follow=True)
    assert answer.status_code == 200
    assert Synergy.objects.filter(offer=world["offer"], demand=world["sand"]).count() == 1
    again = client.post(url, {"vehicle": "rigid"}, follow=True)
    assert "already under way" in again.content.decode()
    client.force_login(world["dan"])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405


def test_the_allocation_page_is_for_coordinators_only(client: Any, world: Any) -> None:
    assert client.get("/symbiosis/allocation/").status_code == 302
    client.force_login(world["alice"])
    assert client.get("/symbiosis/allocation/").status_code == 403
    assert client.get("/symbiosis/allocation.csv").status_code == 403
    client.force_login(world["coordinator"])
    page = client.get("/symbiosis/allocation/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Calcin de verre" in text and "Counterfactual" in text
    csv = client.get("/symbiosis/allocation.csv")
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("offer_id,") and len(lines) >= 2


def test_the_allocation_places_the_glass_and_a_flow_is_proposed_from_it(
    client: Any, world: Any
) -> None:
    from maillage.symbiosis.queries.allocation import territory_allocation

    result = territory_allocation()
    assert result.offers == 1 and result.demands == 3  # the far one counts, it gets nothing
    # 155.4 t offered; Aix takes its 65 t, Toulon its 7 t/month × 12 = 84 t.
    assert result.tonnes == pytest.approx(65 + 84, rel=1e-6)
    assert result.euros_saved > 0 and result.co2_avoided_kg > 0
    client.force_login(world["coordinator"])
    flow = result.flows[0]
    answer = client.post(
        f"/symbiosis/declarations/{flow.offer.pk}/propose/{flow.demand.pk}/",
        {
            "quantity_per_year": f"{flow.quantity_in_offer_unit:.3f}",
            "next": "/symbiosis/allocation/",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == "/symbiosis/allocation/"
    assert "Synergy under way" in client.get("/symbiosis/allocation/").content.decode()


def test_the_api_lists_candidates_proposes_and_allocates(client: Any, world: Any) -> None:
    alice, bob = _auth(world["alice"]), _auth(world["bob"])
    url = f"/api/v1/symbiosis/declarations/{world['offer'].pk}/candidates"
    listed = client.get(url, **alice)
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()} == {world["sand"].pk, world["same_code"].pk}
    assert client.get(url, **bob).status_code == 404
    assert client.get(url).status_code == 401
    made = post(
        client,
        "/api/v1/symbiosis/synergies",
        {"offer_id": world["offer"].pk, "demand_id": world["sand"].pk},
        **bob,
    )
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "proposed"
    again = post(
        client,
        "/api/v1/symbiosis/synergies",
        {"offer_id": world["offer"].pk, "demand_id": world["sand"].pk},
        **bob,
    )
    assert again.status_code in (400, 409, 422) and "already under way" in again.content.decode()
    refused = post(
        client,
        "/api/v1/symbiosis/synergies",
        {"offer_id": world["offer"].pk, "demand_id": world["sand"].pk},
        **_auth(world["dan"]),
    )
    assert refused.status_code == 403
    assert client.get("/api/v1/symbiosis/allocation", **alice).status_code == 403
    allocated = client.get("/api/v1/symbiosis/allocation", **_auth(world["coordinator"]))
    assert allocated.status_code == 200 and allocated.json()["flows"]

"""Candidates of a declaration: ranking, French explanations, who sees them, what never leaks."""

from __future__ import annotations

from typing import Any

import pytest

from maillage.directory.actions import people as people_actions
from maillage.symbiosis.models import PrivateFieldRead
from maillage.symbiosis.queries.candidates import candidates_for, explain_pair
from maillage.symbiosis.queries.visibility import audience_of
from maillage.symbiosis.tests import candidates_world

world, english = candidates_world.world, candidates_world.english

pytestmark = pytest.mark.django_db


def _url(declaration: Any) -> str:
    return f"/symbiosis/declarations/{declaration.pk}/candidates/"


def test_it_ranks_the_near_substitution_and_the_same_code_and_leaves_far_and_closed_out(
    world: Any,
) -> None:
    found = candidates_for(world["offer"], audience_of(world["alice"]))
    ids = [c.declaration.pk for c in found]
    assert set(ids) == {world["sand"].pk, world["same_code"].pk}
    assert world["far"].pk not in ids and world["closed"].pk not in ids
    by_id = {c.declaration.pk: c for c in found}
    assert by_id[world["same_code"].pk].match.closeness.reason == "same_entry"
    assert by_id[world["sand"].pk].match.closeness.reason == "substitution"
    assert all(c.savings is not None and c.savings.euros_saved > 0 for c in found)


def test_the_page_explains_in_french_with_french_units(client: Any, world: Any) -> None:
    client.force_login(world["alice"])
    page = client.get(_url(world["offer"]), HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Calcin pour filtration" in text and "Sable pour lits de pose" in text
    assert "Même code de la liste des déchets" in text or "Même rubrique" in text
    assert "km" in text and "€/an" in text and "CO2e/an" in text
    assert "Proposer cette synergie" in text


@pytest.mark.parametrize("who", ["anonymous", "bob", "dan"])
def test_others_get_404_on_a_declarations_candidates(client: Any, world: Any, who: str) -> None:
    if who != "anonymous":
        client.force_login(world[who])
    assert client.get(_url(world["offer"])).status_code == 404


def test_the_counterparts_exact_quantity_and_site_never_leak(client: Any, world: Any) -> None:
    client.force_login(world["bob"])
    page = client.get(_url(world["sand"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Calcin de verre" in text
    for secret in ("137", "173", "43.29", "43,29"):
        assert secret not in text
    assert "100 à 1\xa0000 t/an (ordre de grandeur)" in text  # the public order of magnitude
    key = people_actions.create_api_token(world["bob"], "t")[1]
    api = client.get(
        f"/api/v1/symbiosis/declarations/{world['sand'].pk}/candidates",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert api.status_code == 200
    body = api.content.decode()
    assert "137" not in body and "173" not in body
    row = api.json()[0]
    assert row["quantity_exact"] is False and (row["quantity_low"], row["quantity_high"]) == (
        100.0,
        1000.0,
    )
    assert row["distance_km"] % 5 == 0
    # The score and the reasons use the rounded distance too: nothing gives the exact one.
    distance = next(r["text"] for r in row["reasons"] if r["key"] == "distance")
    assert f"{row['distance_km']:.0f} km" in distance.replace("\xa0", " ")


def test_an_estimate_from_a_private_quantity_equals_one_from_its_order_of_magnitude(
    world: Any,
) -> None:
    seen = candidates_for(world["sand"], audience_of(world["bob"]))[0]
    # Verrerie's 137.5-173.25 t read as 100-1000 t: the flow is capped by bob's own 50-80 t.
    assert seen.match.quantity_per_year == pytest.approx(65.0)
    # Verrerie's own current cost (price, private) is not used: the glass default (40 €/t) is.
    assert seen.savings is not None
    assert seen.savings.disposal_avoided_eur == pytest.approx(65 * 40)


def test_a_coordinator_sees_exact_figures_and_the_reads_are_logged(client: Any, world: Any) -> None:
    client.force_login(world["coordinator"])
    page = client.get(_url(world["sand"]))
    assert page.status_code == 200
    assert "137" in page.content.decode()
    assert PrivateFieldRead.objects.filter(
        user=world["coordinator"], object_id=world["offer"].pk, channel="page"
    ).exists()


def test_explain_pair_uses_both_sides_exact_values(world: Any) -> None:
    pair = explain_pair(world["offer"], world["sand"])
    assert pair.match is not None and pair.match.closeness.reason == "substitution"
    assert pair.tonnes_per_year == pytest.approx(65.0)
    assert pair.savings is not None
    assert pair.savings.disposal_avoided_eur == pytest.approx(65 * 45)  # Verrerie's own cost
    assert pair.savings.virgin_avoided_eur == pytest.approx(65 * 22)
    assert 25 * 1.3 < pair.distance_km < 28 * 1.3
    assert pair.explanation


def test_method_pages_show_formulas_and_factors(client: Any) -> None:
    for key in ("matching", "allocation", "savings"):
        page = client.get(f"/symbiosis/methods/{key}/")
        assert page.status_code == 200
        assert "transport_co2.articulated" in page.content.decode()
    assert client.get("/symbiosis/methods/other/").status_code == 404

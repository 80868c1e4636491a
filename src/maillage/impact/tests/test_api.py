"""The impact API: the public figures for anyone who sees the machine or organisation, the
private part for its members only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.actions.economics import EconomicsInput, save_economics

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def priced(impact_world):
    w = impact_world
    save_composition(w.admin, w.lathe, [MaterialInput("steel", 8000, recycled_collection=0.95)])
    save_economics(w.admin, w.lathe, EconomicsInput(price_cents=15_000_000))
    w.own_use("100")
    w.booked("50")
    call_command("recompute_impact", stdout=io.StringIO())  # the nightly run
    return w


def test_a_visitor_reads_the_public_figures_only(client, priced):
    w = priced
    data = client.get(f"{API}/machines/{w.lathe.pk}/impact").json()
    # 150 h of 1,760 is under the average use (30 %): U/U_av < 1 lowers the MCI, here to 0.
    assert data["intensity_ratio"] == pytest.approx(150 / 1760 / 0.3)
    assert data["mci"] == 0 and data["mass_kg"] == 8000
    assert data["organisations_served"] == 1 and data["carbon_per_hour"] > 0
    assert data["private"] is None
    assert "Not assessed yet: assess it." in data["missing"]["repairability"]


def test_a_member_reads_prices_and_costs(client, priced):
    w = priced
    client.force_login(w.member)
    private = client.get(f"{API}/machines/{w.lathe.pk}/impact").json()["private"]
    assert private["price"] == 150_000 and private["own_hours"] == 100
    assert private["hours_shared"] == 50
    assert private["cost_per_hour"]["solo"] > private["cost_per_hour"]["shared"]


def test_another_organisation_gets_no_private_part(client, priced):
    w = priced
    client.force_login(w.neighbour_member)
    assert client.get(f"{API}/machines/{w.lathe.pk}/impact").json()["private"] is None
    organisation = client.get(f"{API}/organisations/{w.owner.slug}/impact").json()
    assert organisation["private"] is None and organisation["use"]["hours_given"] == 50


def test_the_organisation_s_impact_and_its_private_part(client, priced):
    w = priced
    client.force_login(w.admin)
    data = client.get(f"{API}/organisations/{w.owner.slug}/impact").json()
    assert data["fleet"]["machines"] == 1 and data["fleet"]["mci_known"] == 1
    assert data["use"]["hours_used"] == 150
    assert data["private"]["invoiced_cents"] == 50 * 4000


def test_what_one_cannot_see_is_not_found(client, priced):
    w = priced
    assert client.get(f"{API}/machines/{w.hidden.pk}/impact").status_code == 404
    assert client.get(f"{API}/organisations/{w.pending.slug}/impact").status_code == 404

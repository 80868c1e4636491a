"""The machine's impact card on its page: the figures, what each lacks, what stays private."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.impact import sharing
from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.actions.economics import EconomicsInput, save_economics
from maillage.impact.actions.machines import recompute_machine_impact
from maillage.impact.queries.machines import failure_hours, machine_card
from maillage.maintenance.actions.interventions import InterventionInput
from maillage.maintenance.actions.retrofit import RetrofitInput, record_retrofit
from maillage.maintenance.models import Intervention, InterventionKind, PassportPrivacy

pytestmark = pytest.mark.django_db

# The example: €150,000, €15,000 residual, 15 years, €6,500 fixed, €6.50/h, 1,760 h;
# 24 tCO2e embodied. Steel's embodied factor is 1.91 kgCO2e/kg with a 30 % manufacturing uplift.
STEEL_FOR_24_T = 24_000 / (1.91 * 1.30)


@pytest.fixture
def shared_lathe(impact_world):
    """The lathe of the example: 30 % own use, 70 % with the neighbour's hours."""
    w = impact_world
    save_composition(w.admin, w.lathe, [MaterialInput("steel", STEEL_FOR_24_T)])
    save_economics(
        w.admin,
        w.lathe,
        EconomicsInput(
            price_cents=15_000_000,
            residual_value_cents=1_500_000,
            life_years=15,
            fixed_costs_cents_per_year=650_000,
            variable_cents_per_hour=650,
            hours_available_per_year=1760,
        ),
    )
    w.own_use("528")
    w.booked("704")
    recompute_machine_impact(w.lathe)
    return w


def test_cost_and_carbon_per_hour_alone_and_shared(shared_lathe):
    w = shared_lathe
    card = machine_card(w.lathe, w.lathe.impact, w.member)
    assert card.private and card.own_hours == pytest.approx(528)
    assert round(card.cost.solo, 2) == 44.86
    assert round(card.cost.shared, 2) == 25.94
    assert round(card.carbon.solo, 2) == 3.03
    assert round(card.carbon.shared, 2) == 1.30
    assert card.carbon.shared == pytest.approx(
        sharing.carbon_per_hour(
            embodied_kgco2e=24_000, life_years=15, hours_available=1760, utilisation=0.7
        )
    )


def test_the_member_reads_prices_on_the_machine_page(client, shared_lathe):
    w = shared_lathe
    client.force_login(w.member)
    html = client.get(f"/machines/{w.lathe.pk}/").content.decode()
    assert 'id="impact-panel"' in html
    assert "€44.86/h" in html and "€25.94/h" in html
    assert "3.03 kgCO2e/h" in html and "1.30 kgCO2e/h" in html
    assert "70.0 %" in html  # utilisation with the neighbour's hours


def test_a_visitor_and_another_organisation_never_see_prices(client, shared_lathe):
    w = shared_lathe
    for user in (None, w.neighbour_member):
        if user is not None:
            client.force_login(user)
        for url in (f"/machines/{w.lathe.pk}/", f"/machines/{w.lathe.pk}/impact/"):
            html = client.get(url).content.decode()
            assert 'id="figure-mci"' in html and 'id="figure-repairability"' in html
            assert "€" not in html, url
            assert "44.86" not in html and "25.94" not in html
            assert "3.03" not in html  # the solo carbon reveals the owner's own use
            assert "1.30 kgCO2e/h" in html  # carbon per hour at the current use
            assert 'id="per-hour"' not in html and "own use" not in html
            assert "Purchase price" not in html


def test_the_owner_may_keep_the_hours_private(client, shared_lathe):
    w = shared_lathe
    PassportPrivacy.objects.create(machine=w.lathe, private_fields=["hours"])
    html = client.get(f"/machines/{w.lathe.pk}/").content.decode()
    assert "70.0 %" not in html and "kgCO2e/h" not in html
    assert "The owner keeps the hours used private." in html
    client.force_login(w.member)
    assert "70.0 %" in client.get(f"/machines/{w.lathe.pk}/").content.decode()


def test_each_figure_says_what_it_lacks_and_the_owner_gets_the_link(client, impact_world):
    w = impact_world
    w.lathe.year = None
    w.lathe.save()
    html = client.get(f"/machines/{w.lathe.pk}/").content.decode()
    assert "Composition not recorded: add it." in html
    assert "Not assessed yet: assess it." in html
    assert "Year of construction not recorded" in html
    assert "Fewer than four failures recorded" in html
    assert f'href="/machines/{w.lathe.pk}/impact/composition/"' not in html
    client.force_login(w.member)
    html = client.get(f"/machines/{w.lathe.pk}/").content.decode()
    assert f'<a href="/machines/{w.lathe.pk}/impact/composition/">Composition not recorded' in html
    assert "Purchase price not recorded: no cost per hour. Add it." in html


def test_durability_reads_age_retrofits_and_the_mtbf_trend(client, impact_world):
    w = impact_world
    now = timezone.now()
    for days, hours in ((100, "100"), (80, "100"), (60, "100"), (40, "300"), (20, "300")):
        w.own_use(hours, days_ago=days)
    for days in (90, 70, 50, 30, 10):
        failed = now - dt.timedelta(days=days)
        Intervention.objects.create(
            machine=w.lathe,
            kind=InterventionKind.CORRECTIVE,
            done_at=failed + dt.timedelta(hours=5),
            failed_at=failed,
            restored_at=failed + dt.timedelta(hours=5),
        )
    assert failure_hours(w.lathe) == [100, 200, 300, 600, 900]
    record_retrofit(
        w.admin,
        w.lathe,
        RetrofitInput("New control", "Worn control", added_life_years=5),
        InterventionInput(kind=InterventionKind.RETROFIT, done_at=now),
    )
    card = machine_card(w.lathe, recompute_machine_impact(w.lathe), AnonymousUser())
    assert card.mtbf.earlier_mtbf == 100 and card.mtbf.recent_mtbf == pytest.approx(700 / 3)
    age = timezone.localdate().year - 2010
    assert card.age_years == age and card.added_life_years == 5
    assert card.impact.remaining_life_years == max(0, 15 + 5 - age)
    assert card.impact.lifetime_ratio == pytest.approx(20 / 15)
    html = client.get(f"/machines/{w.lathe.pk}/").content.decode()
    assert "fails less often" in html


def test_figures_link_to_their_method_page(client, impact_world):
    w = impact_world
    html = client.get(f"/machines/{w.lathe.pk}/").content.decode()
    for key in ("mci", "repairability", "durability", "sharing"):
        assert f'href="/impact/methods/{key}/"' in html
        assert client.get(f"/impact/methods/{key}/").status_code == 200


def test_the_machine_impact_page_shows_composition_and_assessment(client, shared_lathe):
    w = shared_lathe
    page = client.get(f"/machines/{w.lathe.pk}/impact/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="composition-table"' in html and "Steel" in html
    assert "not the legal index" in html
    assert client.get(f"/machines/{w.hidden.pk}/impact/").status_code == 404

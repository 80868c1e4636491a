"""The synergy pages: the list, the steps posted from the page, the monthly exchanges form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.symbiosis.models import SynergyExchange, SynergyState
from maillage.symbiosis.tests import synergy_world
from maillage.symbiosis.tests.synergy_world import agree

english, world = synergy_world.english, synergy_world.world

pytestmark = [pytest.mark.django_db]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _step(user: Any, world: Any, action: str, **data: str) -> Any:
    url = reverse("symbiosis:synergy_action", args=[world["synergy"].pk, action])
    return _client(user).post(url, data, follow=True)


@pytest.mark.usefixtures("english")
def test_the_list_shows_my_synergies_and_what_awaits_me(world: Any) -> None:
    text = _client(world["alice"]).get(reverse("symbiosis:synergies")).content.decode()
    assert "Chutes de bois" in text and "awaits your acceptance" in text
    other = _client(world["eve"]).get(reverse("symbiosis:synergies")).content.decode()
    assert "Chutes de bois" not in other
    coordinator = _client(world["coord"]).get(reverse("symbiosis:synergies")).content.decode()
    assert "Chutes de bois" in coordinator and "awaits your acceptance" not in coordinator


def test_the_list_needs_a_login(world: Any) -> None:
    assert Client().get(reverse("symbiosis:synergies")).status_code == 302


@pytest.mark.usefixtures("english")
def test_both_sides_accept_from_the_page(world: Any) -> None:
    page = _client(world["alice"]).get(reverse("symbiosis:synergy", args=[world["synergy"].pk]))
    assert "Accept for my side" in page.content.decode()
    response = _step(world["alice"], world, "accept")
    assert "Your side accepted the synergy." in response.content.decode()
    _step(world["bob"], world, "accept")
    world["synergy"].refresh_from_db()
    assert world["synergy"].state == SynergyState.AGREED
    text = _client(world["bob"]).get(reverse("symbiosis:synergy", args=[world["synergy"].pk]))
    assert "Agreed by both sides" in text.content.decode()


@pytest.mark.usefixtures("english")
def test_a_refused_step_says_the_state_it_is_in(world: Any) -> None:
    response = _step(world["alice"], world, "start")
    assert "it is now “Proposed”" in response.content.decode()


@pytest.mark.usefixtures("english")
def test_a_coordinator_gets_a_clear_refusal_when_accepting(world: Any) -> None:
    response = _step(world["coord"], world, "accept")
    assert "Only a member of the offering or the receiving organisation" in (
        response.content.decode()
    )


def test_an_unknown_step_or_another_organisation_is_not_found(world: Any) -> None:
    assert _step(world["alice"], world, "explode").status_code == 404
    assert _step(world["eve"], world, "decline").status_code == 404
    url = reverse("symbiosis:synergy_action", args=[world["synergy"].pk, "accept"])
    assert _client(world["alice"]).get(url).status_code == 405


@pytest.mark.usefixtures("english")
def test_a_decline_keeps_its_note(world: Any) -> None:
    _step(world["bob"], world, "decline", note="Trop humide pour notre chaudière.")
    world["synergy"].refresh_from_db()
    assert world["synergy"].state == SynergyState.DECLINED
    assert world["synergy"].note == "Trop humide pour notre chaudière."


@pytest.mark.usefixtures("english")
def test_a_month_is_recorded_from_the_page_and_totalled(world: Any) -> None:
    synergy = agree(world)
    url = reverse("symbiosis:exchange", args=[synergy.pk])
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    client = _client(world["bob"])
    client.post(url, {"month": last.strftime("%Y-%m"), "quantity": "6.5"})
    response = client.post(
        url, {"month": timezone.localdate().strftime("%Y-%m"), "quantity": "2"}, follow=True
    )
    assert "recorded: 2 t" in response.content.decode()
    assert SynergyExchange.objects.filter(synergy=synergy).count() == 2
    text = response.content.decode()
    assert "Total, 2 months" in text and 'id="exchanges-total">8.5' in text


@pytest.mark.usefixtures("english")
def test_a_bad_month_is_refused_with_its_field_named(world: Any) -> None:
    synergy = agree(world)
    url = reverse("symbiosis:exchange", args=[synergy.pk])
    client = _client(world["bob"])
    response = client.post(url, {"month": "mars", "quantity": "-3"}, follow=True)
    text = response.content.decode()
    assert "Month: Give the month as YYYY-MM" in text
    assert "Quantity exchanged:" in text
    future = (timezone.localdate() + dt.timedelta(days=40)).strftime("%Y-%m")
    response = client.post(url, {"month": future, "quantity": "3"}, follow=True)
    assert "has not come yet" in response.content.decode()
    assert not SynergyExchange.objects.exists()


def test_the_page_reads_in_french(world: Any) -> None:
    synergy = agree(world)
    SynergyExchange.objects.create(
        synergy=synergy, month=dt.date(2026, 1, 1), quantity=Decimal("7.25")
    )
    client = _client(world["alice"])
    text = client.get(
        reverse("symbiosis:synergy", args=[synergy.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Acceptée par les deux parties" in text and "Conclue" in text
    assert "Enregistrer le mois" in text
    assert "Total, 1 mois" in text
    assert "7,25" in text
    flows = Client().get(reverse("symbiosis:flows"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Flux de matières entre sites" in flows and "1 flux" in flows


@pytest.mark.usefixtures("english")
def test_a_coordinator_may_end_but_not_record_nor_accept(world: Any) -> None:
    synergy = agree(world)
    text = _client(world["coord"]).get(reverse("symbiosis:synergy", args=[synergy.pk]))
    content = text.content.decode()
    assert "End the synergy" in content
    assert "Accept for my side" not in content and 'id="exchange-form"' not in content
    response = _client(world["coord"]).post(
        reverse("symbiosis:exchange", args=[synergy.pk]), {"month": "2026-01", "quantity": "3"}
    )
    assert response.status_code == 302 and not SynergyExchange.objects.exists()

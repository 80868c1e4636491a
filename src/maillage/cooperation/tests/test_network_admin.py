"""The network is set up in the admin by the coordinators: its name and its colleges, whose
weights sum to 100 or are all 0."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maillage.cooperation.models import College, Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _form(*weights: str, name: str = "Pôle Provence") -> dict[str, Any]:
    kinds = ["companies", "third_places", "public_bodies", "associations"]
    data: dict[str, Any] = {
        "name": name,
        "slug": "pole-provence",
        "legal_form": "SCIC",
        "description": "",
        "website": "",
        "contact_email": "",
        "founded_on": "",
        "colleges-TOTAL_FORMS": str(len(weights)),
        "colleges-INITIAL_FORMS": "0",
        "colleges-MIN_NUM_FORMS": "0",
        "colleges-MAX_NUM_FORMS": "1000",
    }
    for i, weight in enumerate(weights):
        data[f"colleges-{i}-kind"] = kinds[i]
        data[f"colleges-{i}-weight_percent"] = weight
        data[f"colleges-{i}-annual_fee"] = "120"
    return data


def test_a_coordinator_creates_the_network_with_weighted_colleges(
    client: Client, coordinator: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("admin:cooperation_network_add")
    assert client.get(url).status_code == 200
    response = client.post(url, _form("60", "30"))
    assert response.status_code == 200
    assert (
        "The colleges&#x27; weights must sum to 100 % or all be 0 (one member, one vote): "
        "they sum to 90 %." in response.content.decode()
    )
    assert not Network.objects.exists()
    response = client.post(url, _form("60", "25", "10", "5"))
    assert response.status_code == 302
    network = Network.objects.get()
    assert sorted(network.colleges.values_list("weight_percent", flat=True)) == [5, 10, 25, 60]
    assert set(College.objects.values_list("annual_fee", flat=True)) == {120}


def test_colleges_all_at_zero_are_one_member_one_vote(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.post(reverse("admin:cooperation_network_add"), _form("0", "0", "0"))
    assert response.status_code == 302
    assert College.objects.count() == 3


def test_changing_a_weight_is_checked_too(client: Client, coordinator: Any) -> None:
    network = Network.objects.create(name="Pôle", slug="pole")
    college = College.objects.create(network=network, kind="companies", weight_percent=100)
    client.force_login(coordinator)
    url = reverse("admin:cooperation_network_change", args=[network.pk])
    data = _form(name="Pôle")
    data.update(
        {
            "slug": "pole",
            "colleges-TOTAL_FORMS": "1",
            "colleges-INITIAL_FORMS": "1",
            "colleges-0-id": str(college.pk),
            "colleges-0-network": str(network.pk),
            "colleges-0-kind": "companies",
            "colleges-0-weight_percent": "50",
            "colleges-0-annual_fee": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200 and "they sum to 50 %" in response.content.decode()
    college.refresh_from_db()
    assert college.weight_percent == 100


def test_people_who_are_not_coordinators_do_not_reach_it(client: Client, make_user: Any) -> None:
    person = make_user("staffer")
    person.is_staff = True
    person.save()
    client.force_login(person)
    assert client.get(reverse("admin:cooperation_network_add")).status_code == 403
    assert client.post(reverse("admin:cooperation_network_add"), _form("100")).status_code == 403
    assert not Network.objects.exists()

"""Signing up opens an account through the directory's action; one address, one account."""

import pytest
from django.core.exceptions import ValidationError

from maillage.directory.actions import people as people_actions
from maillage.directory.models import User

pytestmark = pytest.mark.django_db


def test_it_opens_an_account_the_person_can_sign_in_with():
    user = people_actions.sign_up("amelie", "amelie@example.org", "Garlaban-Atelier-2026", "Amélie")
    stored = User.objects.get(username="amelie")
    assert stored.first_name == "Amélie"
    assert stored.check_password("Garlaban-Atelier-2026")
    assert not user.is_coordinator


def test_an_address_already_used_is_refused_whatever_its_case(make_user):
    make_user("ana")
    with pytest.raises(ValidationError) as caught:
        people_actions.sign_up("ana2", "ANA@example.org", "Garlaban-Atelier-2026")
    assert list(caught.value.message_dict) == ["email"]
    assert not User.objects.filter(username="ana2").exists()


def test_a_taken_username_is_refused_on_its_field(make_user):
    make_user("ana")
    with pytest.raises(ValidationError) as caught:
        people_actions.sign_up("ana", "other@example.org", "Garlaban-Atelier-2026")
    assert list(caught.value.message_dict) == ["username"]


def test_the_sign_up_page_saves_through_the_action(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "amelie",
            "email": "Amelie@Example.org ",
            "first_name": "Amélie",
            "last_name": "",
            "password1": "Garlaban-Atelier-2026",
            "password2": "Garlaban-Atelier-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="amelie").email == "amelie@example.org"

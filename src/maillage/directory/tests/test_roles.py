"""Admins give their colleagues a role on the members page; an organisation keeps one admin."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.directory import permissions
from maillage.directory.actions import people as people_actions
from maillage.directory.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(make_user):
    return make_user("ana")


@pytest.fixture
def workshop(make_organisation, ana):
    return make_organisation("Atelier Un", admin=ana)


@pytest.fixture
def sam(make_user, workshop):
    user = make_user("sam")
    Membership.objects.create(user=user, organisation=workshop, role=Role.MEMBER)
    return user


def _membership(user, organisation):
    return Membership.objects.get(user=user, organisation=organisation)


def test_an_admin_makes_a_member_host_on_the_members_page(client, ana, sam, workshop):
    assert not permissions.can_host(sam, workshop)
    client.force_login(ana)
    page = client.get(reverse("directory:members", args=[workshop.slug])).content.decode()
    membership = _membership(sam, workshop)
    url = reverse("directory:membership_role", args=[workshop.slug, membership.pk])
    assert url in page
    assert client.post(url, {"role": "host"}).status_code == 302
    assert _membership(sam, workshop).role == Role.HOST
    assert permissions.can_host(sam, workshop) and not permissions.can_train(sam, workshop)
    assert not permissions.can_manage_members(sam, workshop)


def test_a_trainer_trains_and_an_admin_does_everything(ana, sam, workshop):
    people_actions.set_member_role(ana, _membership(sam, workshop), Role.TRAINER)
    assert permissions.can_train(sam, workshop) and not permissions.can_host(sam, workshop)
    assert permissions.can_host(ana, workshop) and permissions.can_train(ana, workshop)


def test_a_non_admin_cannot_change_roles(client, ana, sam, workshop):
    people_actions.set_member_role(ana, _membership(sam, workshop), Role.HOST)
    with pytest.raises(PermissionDenied):
        people_actions.set_member_role(sam, _membership(sam, workshop), Role.ADMIN)
    client.force_login(sam)
    membership = _membership(ana, workshop)
    url = reverse("directory:membership_role", args=[workshop.slug, membership.pk])
    assert client.post(url, {"role": "member"}).status_code == 403
    assert _membership(sam, workshop).role == Role.HOST
    assert _membership(ana, workshop).role == Role.ADMIN


def test_the_last_admin_cannot_be_demoted(client, ana, sam, workshop):
    with pytest.raises(ValidationError) as caught:
        people_actions.set_member_role(ana, _membership(ana, workshop), Role.HOST)
    assert list(caught.value.message_dict) == ["role"]
    client.force_login(ana)
    url = reverse("directory:membership_role", args=[workshop.slug, _membership(ana, workshop).pk])
    client.post(url, {"role": "member"})
    assert _membership(ana, workshop).role == Role.ADMIN

    # With a second admin, the first may step down.
    people_actions.set_member_role(ana, _membership(sam, workshop), Role.ADMIN)
    people_actions.set_member_role(ana, _membership(ana, workshop), Role.TRAINER)
    assert _membership(ana, workshop).role == Role.TRAINER
    with pytest.raises(ValidationError):
        people_actions.set_member_role(sam, _membership(sam, workshop), Role.MEMBER)


def test_an_unknown_role_is_refused(ana, sam, workshop):
    with pytest.raises(ValidationError) as caught:
        people_actions.set_member_role(ana, _membership(sam, workshop), "owner")
    assert list(caught.value.message_dict) == ["role"]
    assert _membership(sam, workshop).role == Role.MEMBER


def test_an_invitation_can_carry_the_host_role(
    ana, make_user, workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.invite_member(ana, workshop, "host@example.org", Role.HOST)
    secret = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
    newcomer = make_user("newcomer")
    membership = people_actions.accept_invitation(newcomer, secret)
    assert membership.role == Role.HOST

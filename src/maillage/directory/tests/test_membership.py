import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.directory.actions import people as people_actions
from maillage.directory.auth import hash_token
from maillage.directory.models import Invitation, Membership, MembershipState, Role

pytestmark = pytest.mark.django_db


def test_an_admin_invites_a_colleague_who_joins(
    client, make_user, make_organisation, django_capture_on_commit_callbacks
):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{organisation.slug}/members/", {"email": "Colleague@Example.org", "role": "member"}
        )
    assert response.status_code == 302
    invitation = organisation.invitations.get()
    assert invitation.email == "colleague@example.org"
    secret = re.search(r"/invitations/([^/]+)/", mail.outbox[0].body).group(1)
    colleague = make_user("colleague")
    client.force_login(colleague)
    assert client.get(f"/invitations/{secret}/").status_code == 200
    assert client.post(f"/invitations/{secret}/").status_code == 302
    membership = Membership.objects.get(user=colleague, organisation=organisation)
    assert (membership.role, membership.state) == (Role.MEMBER, MembershipState.ACTIVE)
    with pytest.raises(ValidationError):
        people_actions.accept_invitation(colleague, secret)


def test_the_database_keeps_only_the_hash_of_an_invitations_secret(
    client, make_user, make_organisation, django_capture_on_commit_callbacks
):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = people_actions.invite_member(admin, organisation, "x@example.org", Role.MEMBER)
    secret = re.search(r"/invitations/([^/]+)/", mail.outbox[0].body).group(1)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert secret not in str(stored)
    assert stored["token_hash"] == hash_token(secret)
    client.force_login(make_user("colleague"))
    assert client.get(f"/invitations/{secret}/").status_code == 200
    assert client.get(f"/invitations/{stored['token_hash']}/").status_code == 404


def test_a_member_cannot_invite(make_user, make_organisation):
    organisation = make_organisation("Atelier Un")
    member = make_user("member")
    Membership.objects.create(user=member, organisation=organisation, role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        people_actions.invite_member(member, organisation, "x@example.org", Role.ADMIN)


def test_a_person_asks_to_join_and_an_admin_accepts(client, make_user, make_organisation):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    client.post(f"/o/{organisation.slug}/join/")
    membership = Membership.objects.get(user=newcomer)
    assert membership.state == MembershipState.REQUESTED
    # A request gives no rights yet.
    assert client.get(f"/o/{organisation.slug}/sites/new/").status_code == 403
    client.force_login(admin)
    client.post(f"/o/{organisation.slug}/members/{membership.pk}/", {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.state == MembershipState.ACTIVE


def test_the_last_admin_cannot_leave(make_user, make_organisation):
    admin = make_user("ana")
    make_organisation("Atelier Un", admin=admin)
    membership = Membership.objects.get(user=admin)
    with pytest.raises(ValidationError):
        people_actions.remove_membership(admin, membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_signing_up_refuses_an_email_already_used(client, make_user):
    make_user("ana")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "ana2",
            "email": "ANA@example.org",
            "password1": "Long-enough-pw-2026",
            "password2": "Long-enough-pw-2026",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_a_request_withdrawn_meanwhile_cannot_be_accepted(make_user, make_organisation):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    newcomer = make_user("newcomer")
    stale = people_actions.request_membership(newcomer, organisation)
    people_actions.remove_membership(newcomer, Membership.objects.get(pk=stale.pk))

    with pytest.raises(ValidationError, match="retirée ou déjà traitée"):
        people_actions.approve_membership(admin, stale)
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_accepted_request_is_not_accepted_twice(make_user, make_organisation):
    admin = make_user("ana")
    organisation = make_organisation("Atelier Un", admin=admin)
    stale = people_actions.request_membership(make_user("newcomer"), organisation)
    people_actions.approve_membership(admin, Membership.objects.get(pk=stale.pk))

    with pytest.raises(ValidationError, match="retirée ou déjà traitée"):
        people_actions.approve_membership(admin, stale)


def test_a_stale_copy_of_a_demoted_admin_is_removed_by_its_current_role(
    make_user, make_organisation
):
    ana, bea = make_user("ana"), make_user("bea")
    organisation = make_organisation("Atelier Un", admin=ana)
    stale = Membership.objects.create(user=bea, organisation=organisation, role=Role.ADMIN)
    Membership.objects.filter(pk=stale.pk).update(role=Role.MEMBER)
    Membership.objects.filter(user=ana).update(role=Role.MEMBER)
    Membership.objects.create(user=make_user("cy"), organisation=organisation, role=Role.ADMIN)

    people_actions.remove_membership(bea, stale)  # its copy still says admin

    assert not Membership.objects.filter(pk=stale.pk).exists()

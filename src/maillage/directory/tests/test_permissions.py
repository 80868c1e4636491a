"""Every read of private data and every write is checked on the server, pages and API alike."""

import json

import pytest

from maillage.directory.actions import people as people_actions
from maillage.directory.models import OrganisationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs(make_user, make_organisation):
    alice, bob = make_user("alice"), make_user("bob")
    return (
        make_organisation("Atelier Alice", admin=alice),
        make_organisation("Atelier Bob", admin=bob),
        alice,
        bob,
    )


def test_a_member_cannot_edit_another_organisation_through_the_page(client, two_orgs):
    _org_a, org_b, alice, _bob = two_orgs
    client.force_login(alice)
    response = client.post(f"/o/{org_b.slug}/edit/", {"org-name": "Pwned", "org-kind": "sme"})
    assert response.status_code == 403
    org_b.refresh_from_db()
    assert org_b.name == "Atelier Bob"
    site = org_b.sites.get()
    response = client.post(f"/o/{org_b.slug}/sites/{site.pk}/delete/")
    assert response.status_code == 403
    assert org_b.sites.count() == 1


def test_a_member_cannot_edit_another_organisation_through_the_api(client, two_orgs):
    _org_a, org_b, alice, _bob = two_orgs
    _token, key = people_actions.create_api_token(alice, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.patch(
        f"/api/v1/organisations/{org_b.slug}",
        json.dumps({"name": "Pwned"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    site = org_b.sites.get()
    response = client.delete(f"/api/v1/sites/{site.pk}", **auth)
    assert response.status_code == 403
    response = client.post(
        f"/api/v1/organisations/{org_b.slug}/sites",
        json.dumps({"commune": "Aubagne"}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    org_b.refresh_from_db()
    assert org_b.name == "Atelier Bob"
    assert org_b.sites.count() == 1


def test_anonymous_callers_cannot_write(client, two_orgs):
    org_a, *_ = two_orgs
    response = client.post(
        "/api/v1/organisations",
        json.dumps({"name": "Anon", "kind": "sme"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    response = client.patch(
        f"/api/v1/organisations/{org_a.slug}",
        json.dumps({"name": "Anon"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    response = client.post(f"/o/{org_a.slug}/edit/", {"org-name": "Anon", "org-kind": "sme"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    org_a.refresh_from_db()
    assert org_a.name == "Atelier Alice"


def test_a_bad_token_is_refused(client, two_orgs):
    org_a, *_ = two_orgs
    response = client.patch(
        f"/api/v1/organisations/{org_a.slug}",
        json.dumps({"name": "X"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer mlg_not-a-token",
    )
    assert response.status_code == 401


def test_pending_organisations_are_invisible_to_the_public(client, make_user, make_organisation):
    owner = make_user("owner")
    pending = make_organisation(
        "Atelier Secret",
        admin=owner,
        status=OrganisationStatus.PENDING,
        commune="Aubagne",
        postal_code="13400",
    )
    assert client.get(f"/o/{pending.slug}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{pending.slug}").status_code == 404
    site = pending.sites.get()
    assert client.get(f"/api/v1/sites/{site.pk}").status_code == 404
    listing = client.get("/api/v1/organisations?q=secret").json()
    assert listing["count"] == 0
    geojson = client.get("/api/v1/sites.geojson?bbox=5,43,6,44").json()
    assert geojson["total"] == 0
    assert "Atelier Secret" not in client.get("/organisations/?q=secret").content.decode()


def test_a_pending_organisation_is_visible_to_its_members_and_coordinators(
    client, make_user, make_organisation, coordinator
):
    owner = make_user("owner")
    pending = make_organisation("Atelier Secret", admin=owner, status=OrganisationStatus.PENDING)
    client.force_login(owner)
    assert client.get(f"/o/{pending.slug}/").status_code == 200
    client.force_login(coordinator)
    assert client.get(f"/api/v1/organisations/{pending.slug}").status_code == 200
    client.force_login(make_user("stranger"))
    assert client.get(f"/o/{pending.slug}/").status_code == 404


def test_only_coordinators_moderate(client, two_orgs, make_user):
    org_a, _org_b, alice, _bob = two_orgs
    client.force_login(alice)
    assert client.get("/moderation/").status_code == 403
    response = client.post(f"/moderation/{org_a.slug}/", {"status": "refused", "reason": "x"})
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.status == OrganisationStatus.VALIDATED


def test_a_plain_member_edits_sites_but_not_the_profile(client, make_user, make_organisation):
    from maillage.directory.models import Membership

    organisation = make_organisation("Atelier Commun")
    member = make_user("member")
    Membership.objects.create(user=member, organisation=organisation, role="member")
    client.force_login(member)
    assert client.get(f"/o/{organisation.slug}/edit/").status_code == 403
    response = client.post(
        f"/o/{organisation.slug}/sites/new/", {"commune": "Aubagne", "country": "FR"}
    )
    assert response.status_code == 302
    assert organisation.sites.count() == 2

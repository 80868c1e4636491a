"""Skills: consent, visibility for visitors / members / oneself, the distance search, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.cooperation.actions import skills as actions
from maillage.cooperation.models import Skill, SkillConsent, SkillVisibility
from maillage.cooperation.queries.skills import SkillQuery, listed_skills, search_skills
from maillage.cooperation.tests.skills_world import add, client_of, english, join_network, world
from maillage.directory.models import Organisation, OrganisationStatus

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _labels(viewer: Any, **query: Any) -> list[str]:
    return [h.skill.label for h in search_skills(viewer, SkillQuery(**query)).hits]


def _api_labels(user: Any, query: str = "") -> list[str]:
    response = client_of(user).get(f"/api/v1/skills{query}")
    assert response.status_code == 200, response.content
    return [row["skill"] for row in response.json()]


@pytest.fixture
def listed(world: Any) -> dict[str, Skill]:
    return {
        "public": add(world.alice, "TIG welding", visibility=SkillVisibility.PUBLIC),
        "members": add(world.bob, "CNC programming", visibility=SkillVisibility.MEMBERS),
        "hidden": add(world.dave, "Guitar repair", visibility=SkillVisibility.HIDDEN),
    }


def test_a_visitor_sees_public_skills_only(world: Any, listed: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert _labels(AnonymousUser()) == ["TIG welding"]
    assert _api_labels(None) == ["TIG welding"]
    page = client_of(None).get(reverse("cooperation:skills")).content.decode()
    assert "TIG welding" in page and "CNC programming" not in page
    assert "Guitar repair" not in page


def test_a_member_sees_members_skills_but_nobody_sees_hidden_ones(world: Any, listed: Any) -> None:
    join_network(world.nice_lab)
    assert sorted(_labels(world.nina)) == ["CNC programming", "TIG welding"]
    assert sorted(_api_labels(world.nina)) == ["CNC programming", "TIG welding"]
    # Hidden even to the owner's own organisation, and to the owner in the search.
    assert "Guitar repair" not in _labels(world.dave)
    # A signed-in person of no organisation is no network member.
    assert _labels(world.erin) == ["TIG welding"]
    assert _api_labels(world.erin) == ["TIG welding"]


def test_a_member_of_an_organisation_not_yet_validated_is_no_network_member(
    world: Any, listed: Any, make_organisation: Any, make_user: Any
) -> None:
    from maillage.directory.models import Membership

    newcomer = make_user("newcomer")
    pending = make_organisation("En attente", status=OrganisationStatus.PENDING)
    Membership.objects.create(user=newcomer, organisation=pending)
    assert _labels(newcomer) == ["TIG welding"]


def test_nothing_is_listed_without_consent(world: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        add(world.alice, "Welding", consent=False)
    assert "consent" in refused.value.message_dict
    assert not Skill.objects.exists()
    # Hidden for oneself needs no consent, and is listed to nobody.
    add(world.alice, "Welding", consent=False, visibility=SkillVisibility.HIDDEN)
    assert not listed_skills(world.nina).exists()


def test_consent_is_dated_and_withdrawing_it_unlists_at_once(world: Any, listed: Any) -> None:
    consent = SkillConsent.objects.get(user=world.alice)
    assert consent.given_at is not None
    client = client_of(world.alice)
    response = client.post(reverse("cooperation:skills_consent"), {"consent": "withdraw"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.given_at is None and consent.withdrawn_at is not None
    assert "TIG welding" not in _labels(world.nina)
    assert _api_labels(None) == []
    assert Skill.objects.filter(user=world.alice).exists()  # kept for herself
    mine = client.get(reverse("cooperation:skills_mine")).content.decode()
    assert "TIG welding" in mine and "not listed" in mine
    # Given again through the API: listed again.
    response = client.post("/api/v1/skills/consent")
    assert response.status_code == 200 and response.json()["listed"] is True
    assert _api_labels(None) == ["TIG welding"]
    response = client.delete("/api/v1/skills/consent")
    assert response.json()["listed"] is False and _api_labels(None) == []


def test_the_search_ranks_by_distance_within_the_radius(world: Any) -> None:
    add(world.alice, "Welding Marseille", visibility="public", process_code="4.6.2.1.3")
    add(world.bob, "Welding Aix", visibility="public", process_code="4.6.2.1.1")
    add(world.dave, "Welding Toulon", visibility="public", process_code="4.6")
    add(world.nina, "Welding Nice", visibility="public", process_code="4.6")
    results = search_skills(world.erin, SkillQuery(process="4.6", place="Marseille", radius_km=70))
    assert [h.skill.label for h in results.hits] == [
        "Welding Marseille",
        "Welding Aix",
        "Welding Toulon",
    ]
    distances = [h.distance_km for h in results.hits]
    assert distances[0] < 5 and 20 < distances[1] < 35 and 40 < distances[2] < 60
    rows = client_of(None).get("/api/v1/skills?process=4.6&place=13001&radius_km=200").json()
    assert [r["skill"] for r in rows][-1] == "Welding Nice" and len(rows) == 4
    assert all(r["distance_km"] is not None for r in rows)
    page = client_of(None).get(
        reverse("cooperation:skills"), {"process": "4.6", "place": "Aix-en-Provence"}
    )
    text = page.content.decode()
    assert text.index("Welding Aix") < text.index("Welding Marseille")
    assert "Welding Nice" not in text and " km" in text


def test_the_filters_repair_teach_words_and_sub_processes(world: Any) -> None:
    add(world.alice, "Retrofit of CNC controls", visibility="public", can_repair=True)
    add(world.bob, "Electronics repair", visibility="public", can_repair=True, can_teach=True)
    add(world.dave, "Pasteurisation", visibility="public", process_code="FOOD.4")
    assert sorted(_labels(world.erin, can_repair=True)) == [
        "Electronics repair",
        "Retrofit of CNC controls",
    ]
    assert _labels(world.erin, can_teach=True) == ["Electronics repair"]
    assert _labels(world.erin, q="retrofit") == ["Retrofit of CNC controls"]
    assert _labels(world.erin, process="FOOD") == ["Pasteurisation"]
    assert _labels(world.erin, q="pasteuriz") == ["Pasteurisation"]  # the process label


def test_no_email_is_shown_and_the_contact_goes_through_the_organisation(
    world: Any, listed: Any
) -> None:
    page = client_of(None).get(reverse("cooperation:skills")).content.decode()
    assert "@example.org" not in page
    assert world.workshop.get_absolute_url() in page
    rows = client_of(None).get("/api/v1/skills").json()
    assert rows[0]["contact_url"] == world.workshop.get_absolute_url()
    assert "@" not in str(rows)


def test_an_organisation_not_validated_is_not_shown_to_visitors(world: Any, listed: Any) -> None:
    Organisation.objects.filter(pk=world.workshop.pk).update(status=OrganisationStatus.PENDING)
    rows = client_of(None).get("/api/v1/skills").json()
    assert rows[0]["skill"] == "TIG welding"
    assert rows[0]["organisation"] is None and rows[0]["contact_url"] is None
    page = client_of(None).get(reverse("cooperation:skills")).content.decode()
    assert world.workshop.get_absolute_url() not in page


def test_someone_who_left_the_organisation_is_not_reached_through_it(
    world: Any, listed: Any
) -> None:
    from maillage.directory.models import Membership

    Membership.objects.filter(user=world.alice, organisation=world.workshop).delete()
    rows = client_of(None).get("/api/v1/skills").json()
    assert rows[0]["skill"] == "TIG welding" and rows[0]["contact_url"] is None


def test_bad_search_input_names_the_field(world: Any) -> None:
    page = client_of(None).get(
        reverse("cooperation:skills"), {"place": "Nowhereville-sur-Rien", "radius_km": "5"}
    )
    assert page.status_code == 200 and "No commune found" in page.content.decode()
    page = client_of(None).get(reverse("cooperation:skills"), {"radius_km": "0"})
    assert "greater than or equal to 1" in page.content.decode()
    for query, field in (
        ("?place=Nowhereville-sur-Rien", "place"),
        ("?radius_km=0", "radius_km"),
        ("?radius_km=99999", "radius_km"),
        ("?process=9.9.9", "process"),
    ):
        response = client_of(None).get(f"/api/v1/skills{query}")
        assert response.status_code == 422, query
        assert field in str(response.json()["detail"]), query


def test_my_skills_page_adds_edits_and_deletes(world: Any) -> None:
    client = client_of(world.alice)
    site = world.workshop.sites.first()
    response = client.post(
        reverse("cooperation:skills_mine"),
        {
            "label": "MIG welding",
            "process": "4.6.2.1.2",
            "level": "expert",
            "can_teach": "on",
            "site": str(site.pk),
            "visibility": "public",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    skill = Skill.objects.get(user=world.alice)
    assert skill.organisation == world.workshop and skill.site == site and skill.can_teach
    assert SkillConsent.objects.get(user=world.alice).given_at is not None
    response = client.post(
        reverse("cooperation:skills_edit", args=[skill.pk]),
        {
            "label": "MIG welding",
            "level": "confirmed",
            "commune": "Aubagne",
            "visibility": "members",
        },
    )
    assert response.status_code == 302
    skill.refresh_from_db()
    assert skill.level == "confirmed" and skill.commune.name == "Aubagne" and skill.site is None
    assert skill.organisation == world.workshop  # her only organisation, the contact
    # Someone else's skill is not found.
    assert (
        client_of(world.bob).get(reverse("cooperation:skills_edit", args=[skill.pk])).status_code
        == 404
    )
    assert (
        client_of(world.bob).post(reverse("cooperation:skills_delete", args=[skill.pk])).status_code
        == 404
    )
    response = client.post(reverse("cooperation:skills_delete", args=[skill.pk]))
    assert response.status_code == 302 and not Skill.objects.exists()


def test_my_skills_page_shows_errors_beside_the_fields(world: Any) -> None:
    client = client_of(world.alice)
    response = client.post(
        reverse("cooperation:skills_mine"),
        {
            "label": "Welding",
            "level": "expert",
            "commune": "Nowhereville-sur-Rien",
            "visibility": "public",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "No commune found" in text
    assert "Tick the consent box" in text
    assert not Skill.objects.exists()
    other_site = world.fablab.sites.first()
    response = client.post(
        reverse("cooperation:skills_mine"),
        {"label": "Welding", "level": "expert", "site": str(other_site.pk), "visibility": "hidden"},
    )
    assert response.status_code == 200 and not Skill.objects.exists()


def test_the_api_reads_and_writes_my_skills_only(world: Any) -> None:
    client = client_of(world.alice)
    site = world.workshop.sites.first()
    created = client.post(
        "/api/v1/skills/mine",
        {
            "label": "Electronics repair",
            "site_id": site.pk,
            "visibility": "public",
            "consent": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organisation"] == world.workshop.slug and body["visibility"] == "public"
    skill_id = body["id"]
    edited = client.put(
        f"/api/v1/skills/mine/{skill_id}",
        {"label": "Electronics repair", "commune": "83000", "level": "expert", "can_repair": True},
        content_type="application/json",
    )
    assert edited.status_code == 200 and edited.json()["commune"] == "83137"
    assert [s["id"] for s in client.get("/api/v1/skills/mine").json()] == [skill_id]
    assert client_of(world.bob).get("/api/v1/skills/mine").json() == []
    assert client_of(world.bob).delete(f"/api/v1/skills/mine/{skill_id}").status_code == 404
    assert client_of(None).get("/api/v1/skills/mine").status_code == 401
    assert client.delete(f"/api/v1/skills/mine/{skill_id}").status_code == 204
    assert not Skill.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"label": "", "commune": "Marseille"}, "label"),
        ({"label": "x", "commune": "Marseille", "process": "nope"}, "process"),
        ({"label": "x", "commune": "Marseille", "level": "guru"}, "level"),
        ({"label": "x", "commune": "Marseille", "visibility": "everyone"}, "visibility"),
        ({"label": "x"}, "site"),
        ({"label": "x", "site_id": 0}, "site_id"),
        ({"label": "x", "site_id": 2**63}, "site_id"),
        ({"label": "x", "commune": "Nowhereville-sur-Rien"}, "commune"),
        ({"label": "x\ny", "commune": "Marseille"}, "label"),
        ({"label": "x", "commune": "Marseille", "visibility": "public"}, "consent"),
    ],
)
def test_bad_skill_input_is_refused_naming_the_field(world: Any, payload: Any, field: str) -> None:
    response = client_of(world.alice).post(
        "/api/v1/skills/mine", payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])
    assert not Skill.objects.exists()


def test_a_site_of_another_organisation_is_refused(world: Any) -> None:
    other = world.fablab.sites.first()
    with pytest.raises(ValidationError) as refused:
        actions.add_skill(
            world.alice, actions.SkillInput(label="x", site_id=other.pk, consent=True)
        )
    assert "site" in refused.value.message_dict

"""Portfolio pages: who sees which project, the filters, editing, the map and its GeoJSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from maillage.cooperation.models import Project, ProjectNeed, ProjectPartner
from maillage.cooperation.tests.projects_world import english, world
from maillage.equipment.models import Process

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db]


def _machine(user: Any, organisation: Any) -> Any:
    from maillage.equipment import actions as equipment_actions

    return equipment_actions.create_machine(
        user,
        organisation,
        equipment_actions.MachineInput(
            name=f"Laser {organisation.name}", process_codes=["3.4.1.1"]
        ),
    )


def test_a_visitor_sees_public_projects_with_french_budgets(client: Any, world: Any) -> None:
    page = client.get(reverse("cooperation:projects")).content.decode()
    assert "Découpe partagée" in page and "Projet confidentiel" not in page
    assert "120\u00a0000\u00a0€" in page
    assert "Étude" in page  # the stage, in French
    detail = client.get(reverse("cooperation:project", args=["public-one"]))
    assert detail.status_code == 200
    assert 'id="project-manage"' not in detail.content.decode()
    assert client.get(reverse("cooperation:project", args=["secret-one"])).status_code == 404


@pytest.mark.parametrize("who", ["max", "pia", "coord"])
def test_members_of_lead_and_partners_and_coordinators_see_a_private_project(
    client: Any, world: Any, who: str
) -> None:
    client.force_login(world[who])
    assert "Projet confidentiel" in client.get(reverse("cooperation:projects")).content.decode()
    page = client.get(reverse("cooperation:project", args=["secret-one"])).content.decode()
    assert "4\u00a0500,50\u00a0€" in page
    assert "Fablab Partenaire" in page and world["partner"].get_absolute_url() in page


def test_an_outsider_gets_404_for_a_private_project_everywhere(client: Any, world: Any) -> None:
    client.force_login(world["oscar"])
    for name in ("cooperation:project", "cooperation:project_edit"):
        assert client.get(reverse(name, args=["secret-one"])).status_code == 404
    stage = reverse("cooperation:project_stage", args=["secret-one"])
    answer = client.post(stage, {"from_stage": "idea", "to_stage": "study"})
    assert answer.status_code == 404
    geo = client.get(reverse("cooperation:projects_geojson")).json()
    assert [f["properties"]["slug"] for f in geo["features"]] == ["public-one"]
    assert (
        "Projet confidentiel"
        not in client.get(reverse("cooperation:projects_map")).content.decode()
    )
    assert client.get("/api/v1/projects/secret-one").status_code == 404


def test_only_the_leads_admins_and_coordinators_edit(client: Any, world: Any) -> None:
    url = reverse("cooperation:project_edit", args=["public-one"])
    for who, code in (("max", 403), ("pia", 403), ("oscar", 403), ("lena", 200), ("coord", 200)):
        client.force_login(world[who])
        assert client.get(url).status_code == code, who
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(world["lena"])
    page = client.get(reverse("cooperation:project", args=["public-one"])).content.decode()
    assert 'id="project-manage"' in page and 'id="need-form"' in page


def test_the_filters_narrow_the_portfolio(client: Any, world: Any) -> None:
    client.force_login(world["coord"])
    url = reverse("cooperation:projects")

    def slugs(**params: str) -> list[str]:
        page = client.get(url, params).content.decode()
        return [s for s in ("public-one", "secret-one") if f'data-slug="{s}"' in page]

    assert slugs() == ["public-one", "secret-one"]
    assert slugs(theme="innovate") == ["secret-one"]
    assert slugs(stage="study") == ["public-one"]
    assert slugs(q="confidentiel") == ["secret-one"]
    assert slugs(q="meneur") == ["public-one", "secret-one"]
    assert slugs(department="13") == ["public-one", "secret-one"]  # Aubagne; the lead's site
    assert slugs(department="84") == []


def test_an_edit_on_an_older_version_is_refused_clearly(client: Any, world: Any) -> None:
    client.force_login(world["lena"])
    url = reverse("cooperation:project_edit", args=["public-one"])
    data = {
        "title": "Découpe partagée v2",
        "summary": "",
        "lead": world["lead"].pk,
        "theme": "pooling",
        "budget": "130000",
        "commune": "Aubagne",
        "is_public": "on",
        "version": "1",
    }
    assert client.post(url, data).status_code == 302
    project = Project.objects.get(slug="public-one")
    assert project.title == "Découpe partagée v2" and project.version == 2
    answer = client.post(url, {**data, "title": "Stale edit"})
    assert answer.status_code == 200
    assert (
        "Quelqu’un a enregistré" in answer.content.decode()
        or "meanwhile" in answer.content.decode()
    )
    assert Project.objects.get(slug="public-one").title == "Découpe partagée v2"
    bad = client.post(url, {**data, "version": "2", "budget": "-5", "commune": "Nullepart"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert 'id="field-budget"' in body and "has-error" in body
    assert Project.objects.get(slug="public-one").budget == 130000


def test_creating_a_project_from_the_page(client: Any, world: Any) -> None:
    client.force_login(world["lena"])
    url = reverse("cooperation:project_new")
    data = {"title": "Atelier vélo", "lead": world["lead"].pk, "theme": "retrofit", "budget": "0"}
    answer = client.post(url, data)
    project = Project.objects.get(title="Atelier vélo")
    assert answer["Location"] == reverse("cooperation:project", args=[project.slug])
    assert project.stage == "idea" and project.created_by == world["lena"]
    # An organisation lena is no admin of cannot lead.
    client.post(url, {**data, "title": "Pas à moi", "lead": world["other"].pk})
    assert not Project.objects.filter(title="Pas à moi").exists()
    client.force_login(world["max"])
    assert client.get(url).status_code == 403


def test_parts_are_added_and_removed_by_the_lead(client: Any, world: Any) -> None:
    client.force_login(world["lena"])
    slug = "public-one"
    client.post(
        reverse("cooperation:partner_add", args=[slug]),
        {"partner-organisation": world["partner"].pk, "partner-role": "Formation"},
    )
    partner = ProjectPartner.objects.get(project__slug=slug)
    assert partner.role == "Formation"
    answer = client.post(
        reverse("cooperation:partner_add", args=[slug]),
        {"partner-organisation": world["partner"].pk},
        follow=True,
    )
    assert ProjectPartner.objects.filter(project__slug=slug).count() == 1
    assert (
        "already a partner" in answer.content.decode()
        or "déjà partenaire" in answer.content.decode()
    )
    waterjet = Process.objects.get(code="3.3.6.1")
    client.post(
        reverse("cooperation:need_add", args=[slug]),
        {"need-kind": "process", "need-process": waterjet.pk, "need-quantity": "40"},
    )
    need = ProjectNeed.objects.get(project__slug=slug)
    assert need.label == waterjet.label_fr or need.label == waterjet.label
    page = client.get(reverse("cooperation:project", args=[slug])).content.decode()
    assert f"{reverse('matching:need')}?process=3.3.6.1" in page
    client.post(reverse("cooperation:need_add", args=[slug]), {"need-kind": "machine"})
    assert ProjectNeed.objects.filter(project__slug=slug).count() == 1
    # A machine need points at a machine of the lead or a partner, not anyone's.
    mine = _machine(world["lena"], world["lead"])
    theirs = _machine(world["oscar"], world["other"])
    client.post(
        reverse("cooperation:need_add", args=[slug]),
        {"need-kind": "machine", "need-machine": theirs.pk},
    )
    assert not ProjectNeed.objects.filter(machine=theirs).exists()
    client.post(
        reverse("cooperation:need_add", args=[slug]),
        {"need-kind": "machine", "need-machine": mine.pk, "need-quantity": "12,5"},
    )
    by_machine = ProjectNeed.objects.get(machine=mine)
    assert by_machine.label == mine.name and str(by_machine.quantity) == "12.50"
    page = client.get(reverse("cooperation:project", args=[slug])).content.decode()
    assert mine.get_absolute_url() in page
    by_machine.delete()
    client.post(
        reverse("cooperation:milestone_add", args=[slug]),
        {"milestone-title": "Devis", "milestone-due_on": "2027-03-01"},
    )
    milestone = world["public"].milestones.get()
    client.post(reverse("cooperation:milestone_done", args=[slug, milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    client.force_login(world["max"])
    answer = client.post(reverse("cooperation:partner_remove", args=[slug, partner.pk]))
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()
    client.force_login(world["lena"])
    client.post(reverse("cooperation:partner_remove", args=[slug, partner.pk]))
    client.post(reverse("cooperation:need_remove", args=[slug, need.pk]))
    client.post(reverse("cooperation:milestone_remove", args=[slug, milestone.pk]))
    assert not ProjectPartner.objects.filter(project__slug=slug).exists()
    assert not ProjectNeed.objects.filter(project__slug=slug).exists()
    assert not world["public"].milestones.exists()


@pytest.mark.usefixtures("english")
def test_the_stage_moves_one_step_from_the_page(client: Any, world: Any) -> None:
    client.force_login(world["lena"])
    url = reverse("cooperation:project_stage", args=["public-one"])
    client.post(url, {"from_stage": "study", "to_stage": "funded"})
    assert Project.objects.get(slug="public-one").stage == "funded"
    answer = client.post(url, {"from_stage": "study", "to_stage": "funded"}, follow=True)
    assert Project.objects.get(slug="public-one").stage == "funded"
    assert "already at the stage “Funded”" in answer.content.decode()
    client.post(url, {"from_stage": "funded", "to_stage": "done"})
    assert Project.objects.get(slug="public-one").stage == "funded"
    client.force_login(world["max"])
    assert client.post(url, {"from_stage": "funded", "to_stage": "running"}).status_code == 403


def test_the_geojson_puts_projects_at_their_commune_or_the_leads_site(
    client: Any, world: Any
) -> None:
    client.force_login(world["lena"])
    answer = client.get(reverse("cooperation:projects_geojson"))
    assert answer["Content-Type"] == "application/geo+json"
    features = {f["properties"]["slug"]: f for f in answer.json()["features"]}
    aubagne = world["aubagne"]
    assert features["public-one"]["geometry"]["coordinates"] == [
        round(aubagne.longitude, 5),
        round(aubagne.latitude, 5),
    ]
    assert features["secret-one"]["geometry"]["coordinates"] == [5.4, 43.3]
    assert features["public-one"]["properties"]["url"] == "/projects/public-one/"
    assert "120\u00a0000\u00a0€" in features["public-one"]["properties"]["lines"]
    only = client.get(reverse("cooperation:projects_geojson"), {"theme": "innovate"}).json()
    assert [f["properties"]["slug"] for f in only["features"]] == ["secret-one"]
    page = client.get(reverse("cooperation:projects_map")).content.decode()
    assert "vendor/leaflet/leaflet.js" in page and "maillage/projects-map.js" in page
    assert 'id="projects-data"' in page

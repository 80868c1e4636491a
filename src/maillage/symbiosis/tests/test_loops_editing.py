"""Creating and editing a loop, adding and removing its members, through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from maillage.directory.models import OrganisationStatus, Site
from maillage.symbiosis.models import ContainerLoop, LoopMember, LoopRole
from maillage.symbiosis.tests.loop_world import world

__all__ = ["world"]

pytestmark = [pytest.mark.django_db]

GOOD = {
    "name": "Consigne du Vieux-Port",
    "description": "Bouteilles de bière des brasseries du centre.",
    "container": "Bouteille 33 cl",
    "container_mass_g": "250",
    "single_use_mass_g": "200",
    "crate_size": "24",
    "van_capacity_crates": "40",
    "deposit_eur": "0,20",
    "containers_in_circulation": "5000",
}


def _new(world: Any) -> str:
    return reverse("symbiosis:loop_new", args=[world["hub"].slug])


def _members(slug: str = "consigne-test") -> str:
    return reverse("symbiosis:loop_members", args=[slug])


def test_it_lets_only_the_hubs_admins_and_coordinators_create_a_loop(
    client: Any, world: Any
) -> None:
    url = _new(world)
    answer = client.get(url)
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    for outsider in ("olga", "pat", "sam"):  # another organisation's admin, a plain member
        client.force_login(world[outsider])
        assert client.get(url).status_code == 403
        assert client.post(url, GOOD).status_code == 403
    assert not ContainerLoop.objects.filter(name=GOOD["name"]).exists()
    client.force_login(world["alice"])
    assert client.get(url).status_code == 200
    answer = client.post(url, GOOD)
    made = ContainerLoop.objects.get(name=GOOD["name"])
    assert answer["Location"] == _members(made.slug)
    assert made.slug == "consigne-du-vieux-port" and made.organisation == world["hub"]
    assert str(made.deposit_eur) == "0.20" and made.crate_size == 24
    client.force_login(world["coordinator"])
    client.post(url, GOOD)
    again = ContainerLoop.objects.filter(name=GOOD["name"]).order_by("pk")
    assert [loop.slug for loop in again] == ["consigne-du-vieux-port", "consigne-du-vieux-port-2"]


def test_it_hides_an_organisation_not_yet_validated(
    client: Any, world: Any, make_organisation: Any
) -> None:
    pending = make_organisation("En attente", status=OrganisationStatus.PENDING)
    client.force_login(world["olga"])
    url = reverse("symbiosis:loop_new", args=[pending.slug])
    assert client.get(url).status_code == 404


def test_it_names_the_fields_it_refuses_and_saves_nothing(client: Any, world: Any) -> None:
    client.force_login(world["alice"])
    bad = {
        **GOOD,
        "name": " ",
        "container_mass_g": "beaucoup",
        "crate_size": "0",
        "deposit_eur": "-1",
    }
    answer = client.post(_new(world), bad)
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert set(errors) == {"name", "container_mass_g"}  # the form's own checks first
    page = answer.content.decode()
    assert "Ce champ est obligatoire." in page and "Saisissez un nombre entier." in page
    answer = client.post(_new(world), {**bad, "name": "Nouvelle", "container_mass_g": "250"})
    errors = answer.context["form"].errors  # then the action's, beside their fields
    assert set(errors) == {"crate_size", "deposit_eur"}
    page = answer.content.decode()
    assert "Au moins 1." in page
    assert ContainerLoop.objects.count() == 1


def test_it_edits_a_loop_for_its_managers_only(client: Any, world: Any) -> None:
    url = reverse("symbiosis:loop_edit", args=["consigne-test"])
    assert client.get(url).status_code == 302
    for outsider in ("olga", "sam", "pat"):
        client.force_login(world[outsider])
        assert client.get(url).status_code == 403
        assert client.post(url, GOOD).status_code == 403
    loop = world["loop"]
    loop.refresh_from_db()
    assert loop.name == "Consigne test"
    client.force_login(world["alice"])
    page = client.get(url).content.decode()
    assert 'value="Consigne test"' in page and 'value="0,50"' in page
    # A bad van capacity: nothing of the rest is saved either.
    answer = client.post(url, {**GOOD, "van_capacity_crates": "5000"})
    assert answer.status_code == 200 and set(answer.context["form"].errors) == {
        "van_capacity_crates"
    }
    loop.refresh_from_db()
    assert (loop.name, loop.crate_size) == ("Consigne test", 12)
    client.force_login(world["coordinator"])
    answer = client.post(url, GOOD)
    assert answer["Location"] == reverse("symbiosis:loop", args=["consigne-test"])
    loop.refresh_from_db()
    assert (loop.name, loop.crate_size, loop.slug) == (GOOD["name"], 24, "consigne-test")


def test_it_shows_the_create_and_manage_links_to_those_allowed(client: Any, world: Any) -> None:
    loops = reverse("symbiosis:loops")
    loop = reverse("symbiosis:loop", args=["consigne-test"])
    page = client.get(loops).content.decode()
    assert "Créer une boucle" not in page
    assert 'id="loop-manage"' not in client.get(loop).content.decode()
    client.force_login(world["pat"])  # a member of the hub, not its admin
    page = client.get(loops).content.decode()
    assert _new(world) not in page and "Les administrateurs de votre organisation" in page
    assert 'id="loop-manage"' not in client.get(loop).content.decode()
    client.force_login(world["alice"])
    assert _new(world) in client.get(loops).content.decode()
    page = client.get(loop).content.decode()
    assert reverse("symbiosis:loop_edit", args=["consigne-test"]) in page
    assert _members() in page and "Gérer les membres" in page
    client.force_login(world["coordinator"])
    page = client.get(loops).content.decode()
    assert 'id="create-loop"' in page
    answer = client.get(loops, {"organisation": world["other"].slug})
    assert answer["Location"] == reverse("symbiosis:loop_new", args=[world["other"].slug])
    assert 'id="loop-manage"' in client.get(loop).content.decode()


def test_it_lets_only_the_managers_see_and_change_the_members(client: Any, world: Any) -> None:
    other = world["other"]
    site = other.sites.first()
    post = {"organisation": other.pk, "site": site.pk, "role": LoopRole.SHOP}
    assert client.get(_members()).status_code == 302
    for outsider in ("olga", "sam", "walter"):
        client.force_login(world[outsider])
        assert client.get(_members()).status_code == 403
        assert client.post(_members(), post).status_code == 403
        assert client.post(_members(), {"remove": world["shops"][0].pk}).status_code == 403
    assert not LoopMember.objects.filter(organisation=other).exists()
    assert world["shops"][0].active
    client.force_login(world["coordinator"])
    answer = client.post(_members(), post, follow=True)
    assert "Membre ajouté." in answer.content.decode()
    assert LoopMember.objects.get(organisation=other).role == LoopRole.SHOP


def test_it_adds_and_removes_members_with_clear_refusals(client: Any, world: Any) -> None:
    other, loop = world["other"], world["loop"]
    site = other.sites.first()
    client.force_login(world["alice"])
    page = client.get(_members(), {"q": "aille"}).content.decode()
    assert "Ailleurs" in page and "Épicerie A" in page  # the table lists every member
    assert f'<option value="{world["shops"][0].organisation_id}"' not in page  # search narrows

    def add(**changes: Any) -> str:
        data = {"organisation": other.pk, "site": site.pk, "role": LoopRole.SHOP, **changes}
        return str(client.post(_members(), data, follow=True).content.decode())

    shop_site = world["shops"][0].site
    assert "Ce site n’appartient pas à l’organisation choisie." in add(site=shop_site.pk)
    assert 'has-error" id="field-role"' in add(role="")  # Django's message, beside it
    assert "Membre ajouté." in add()
    assert "Ce site est déjà membre de la boucle avec ce rôle." in add()
    assert "La boucle a déjà un centre de lavage." in add(role=LoopRole.WASHER)
    assert loop.members.filter(organisation=other).count() == 1
    second = Site.objects.create(
        organisation=other, name="Entrepôt", city="Aubagne", latitude=43.29, longitude=5.57
    )
    assert "Membre ajouté." in add(site=second.pk, role=LoopRole.PRODUCER)
    member = loop.members.get(site=site)
    answer = client.post(_members(), {"remove": member.pk}, follow=True).content.decode()
    assert f"{site.name or 'Ailleurs'} a quitté la boucle." in answer
    member.refresh_from_db()
    assert not member.active
    answer = client.post(_members(), {"remove": member.pk}, follow=True).content.decode()
    assert "Ce membre a déjà quitté la boucle." in answer
    assert "Membre ajouté." in add()  # back in the loop
    member.refresh_from_db()
    assert member.active and loop.members.filter(site=site).count() == 1


def test_it_refuses_an_organisation_not_validated_and_another_loops_member(
    client: Any, world: Any, make_organisation: Any
) -> None:
    pending = make_organisation("En attente", status=OrganisationStatus.PENDING)
    client.force_login(world["alice"])
    data = {"organisation": pending.pk, "site": pending.sites.first().pk, "role": LoopRole.SHOP}
    answer = client.post(_members(), data)
    assert answer.status_code == 200 and "organisation" in answer.context["form"].errors
    assert not LoopMember.objects.filter(organisation=pending).exists()
    elsewhere = ContainerLoop.objects.create(
        name="Autre",
        slug="autre",
        organisation=world["other"],
        container="Bocal",
        container_mass_g=300,
        single_use_mass_g=250,
        crate_size=6,
        van_capacity_crates=10,
        deposit_eur="1.00",
        containers_in_circulation=100,
    )
    stranger = LoopMember.objects.create(
        loop=elsewhere, organisation=world["other"], site=world["other"].sites.first(), role="shop"
    )
    assert client.post(_members(), {"remove": stranger.pk}).status_code == 404
    assert client.post(_members(), {"remove": "x"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.active


def test_it_labels_the_fields_in_french_with_their_units(client: Any, world: Any) -> None:
    client.force_login(world["alice"])
    page = client.get(_new(world)).content.decode()
    for label in (
        "Nom de la boucle",
        "Masse d’un contenant réemployable (g)",
        "Capacité de la camionnette (caisses)",
        "Consigne (€)",
        "Contenants en circulation",
    ):
        assert label in page

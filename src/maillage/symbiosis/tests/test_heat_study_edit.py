"""Editing a heat study (page and API) and listing the studies: the source's members and the
coordinators edit, a wrong value is named and nothing is half-saved, an emptied route or DN goes
back to its estimate, and no one sees a study whose figures they may not read."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import HeatKind, HeatStudy, Visibility
from maillage.symbiosis.tests.heat_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_organisation, coordinator):
    return make_world(make_user, make_organisation, coordinator)


@pytest.fixture
def study(world):
    return actions.create_study(
        world.owner,
        actions.StudyInput(
            name="Fonderie → réseau",
            source_id=world.source.pk,
            sink_ids=[world.sink.pk],
            route_length_m=9000,
            pipe_dn=200,
        ),
    )


@pytest.fixture
def hidden_study(world):
    """A coordinator's study over a sink of the outsider's workshop that only coordinators read:
    neither the foundry nor the workshop may read all its figures."""
    workshop = Organisation.objects.get(name="Atelier voisin")
    sink = actions.declare_heat(
        world.coordinator,
        workshop,
        actions.HeatInput(
            kind=HeatKind.SINK,
            title="Étuve de l'atelier",
            medium="water",
            temperature_c=70,
            return_temperature_c=50,
            power_kw=300,
            hours_per_year=3000,
            quantity_visibility=Visibility.COORDINATORS,
        ),
    )
    return actions.create_study(
        world.coordinator,
        actions.StudyInput(
            name="Étude confidentielle", source_id=world.source.pk, sink_ids=[sink.pk]
        ),
    )


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def form_of(world, **changes):
    values = {
        "name": "Fonderie → réseau",
        "source": world.source.pk,
        "sinks": [world.sink.pk],
        "route_length_m": "9000",
        "pipe_dn": "200",
    }
    values.update(changes)
    return values


def french(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def test_it_lets_only_the_sources_members_and_the_coordinators_edit_a_study(world, study):
    url = reverse("symbiosis:heat_study_edit", args=[study.pk])
    anonymous = client_of().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert client_of(world.outsider).get(url).status_code == 403
    assert client_of(world.outsider).post(url, form_of(world, name="Pris")).status_code == 403
    page = client_of(world.owner).get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["route_length_m"] == "9000"
    assert page.context["form"].initial["pipe_dn"] == "200"
    answer = client_of(world.coordinator).post(url, form_of(world, name="Revue", pipe_dn="150"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("symbiosis:heat_study", args=[study.pk])
    study.refresh_from_db()
    assert study.name == "Revue" and study.pipe_dn == 150
    assert client_of(world.owner).post(url, form_of(world, name="Mienne")).status_code == 302
    study.refresh_from_db()
    assert study.name == "Mienne"
    with pytest.raises(PermissionDenied):
        actions.update_study(
            world.outsider,
            study,
            actions.StudyInput(name="X", source_id=world.source.pk, sink_ids=[world.sink.pk]),
        )


def test_an_emptied_route_and_pipe_go_back_to_their_estimates(world, study):
    owner = client_of(world.owner)
    page = owner.get(reverse("symbiosis:heat_study", args=[study.pk]))
    text = french(page)
    assert "Modifier l'étude" in text
    assert "Longueur du tracé dessinée" in text and "9,0 km" in text
    owner.post(
        reverse("symbiosis:heat_study_edit", args=[study.pk]),
        form_of(world, route_length_m="", pipe_dn=""),
    )
    study.refresh_from_db()
    assert study.route_length_m is None and study.pipe_dn is None
    page = owner.get(reverse("symbiosis:heat_study", args=[study.pk]))
    assert not page.context["result"].route_drawn and page.context["result"].pipe_chosen
    assert "Longueur du tracé estimée" in french(page)
    assert "ligne droite × 1,3" in french(page)


def test_the_edit_link_shows_only_to_who_may_edit(world, study):
    url = reverse("symbiosis:heat_study", args=[study.pk])
    edit = reverse("symbiosis:heat_study_edit", args=[study.pk])
    assert edit in client_of(world.coordinator).get(url).content.decode()
    assert edit in client_of(world.owner).get(url).content.decode()
    mayor = world.town.memberships.get().user
    # The town's mayor reads its own public sink but not the foundry's power: no page at all.
    assert client_of(mayor).get(url).status_code == 403


def test_it_names_each_wrong_field_and_saves_nothing(world, study):
    url = reverse("symbiosis:heat_study_edit", args=[study.pk])
    refused = client_of(world.owner).post(
        url, form_of(world, name=" ", route_length_m="-3", pipe_dn="", sinks=[])
    )
    assert refused.status_code == 200
    assert {"name", "sinks"} <= set(refused.context["form"].errors)
    refused = client_of(world.owner).post(url, form_of(world, route_length_m="loin", name="Neuf"))
    assert "route_length_m" in refused.context["form"].errors
    with pytest.raises(ValidationError) as error:
        actions.update_study(
            world.owner,
            study,
            actions.StudyInput(
                name=" ",
                source_id=world.sink.pk,
                sink_ids=[world.source.pk],
                route_length_m="0",
                pipe_dn="123",
            ),
        )
    assert set(error.value.message_dict) == {"name", "source", "sinks", "route_length_m", "pipe_dn"}
    study.refresh_from_db()
    assert study.name == "Fonderie → réseau" and study.route_length_m == 9000
    assert study.pipe_dn == 200 and list(study.sinks.all()) == [world.sink]


def test_the_lists_show_only_the_studies_the_viewer_may_read(world, study, hidden_study):
    index = reverse("symbiosis:heat")
    source_page = reverse("symbiosis:heat_declaration", args=[world.source.pk])
    sink_page = reverse("symbiosis:heat_declaration", args=[world.sink.pk])

    def listed(user, url):
        return [view.study.pk for view in client_of(user).get(url).context["studies"]]

    assert listed(None, index) == [] and listed(world.outsider, index) == []
    assert listed(None, sink_page) == [] and listed(world.outsider, source_page) == []
    assert listed(world.owner, index) == [study.pk]
    assert listed(world.owner, source_page) == [study.pk]
    assert listed(world.owner, sink_page) == [study.pk]
    assert sorted(listed(world.coordinator, index)) == sorted([study.pk, hidden_study.pk])
    assert sorted(listed(world.coordinator, source_page)) == sorted([study.pk, hidden_study.pk])
    assert listed(world.coordinator, sink_page) == [study.pk]
    outsider_text = french(client_of(world.outsider).get(index))
    assert "Étude confidentielle" not in outsider_text and "Fonderie → réseau" not in outsider_text
    owner_text = french(client_of(world.owner).get(index))
    assert "Étude confidentielle" not in owner_text
    assert "Fonderie → réseau" in owner_text and "2,8 MWh/m/an" in owner_text
    assert "9,0 km" in owner_text and "dessiné" in owner_text


def test_the_api_updates_a_study_for_who_may_and_names_wrong_fields(world, study):
    url = f"/api/v1/symbiosis/heat/studies/{study.pk}"
    kind = "application/json"
    assert client_of().patch(url, {"name": "X"}, content_type=kind).status_code in (401, 403)
    assert client_of(world.outsider).patch(url, {"name": "X"}, content_type=kind).status_code == 403
    answer = client_of(world.owner).patch(
        url, {"name": "Par l'API", "route_length_m": None}, content_type=kind
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["name"] == "Par l'API" and body["route_length_m"] is None
    assert body["route_drawn"] is False and body["pipe_dn"] == 200
    assert body["sink_ids"] == [world.sink.pk] and body["source_id"] == world.source.pk
    study.refresh_from_db()
    assert study.route_length_m is None and study.pipe_dn == 200
    wrong = client_of(world.coordinator).patch(
        url,
        {"route_length_m": -1, "sink_ids": [world.source.pk], "name": "Gâché"},
        content_type=kind,
    )
    assert wrong.status_code == 422
    fields = {tuple(error["loc"]) for error in wrong.json()["detail"]}
    assert fields == {("body", "route_length_m"), ("body", "sink_ids")}
    null = client_of(world.coordinator).patch(url, {"name": None}, content_type=kind)
    assert null.status_code == 422 and "name" in null.content.decode()
    study.refresh_from_db()
    assert study.name == "Par l'API" and list(study.sinks.all()) == [world.sink]
    cleared = client_of(world.coordinator).patch(
        url, {"pipe_dn": None, "route_length_m": 4000}, content_type=kind
    )
    assert cleared.status_code == 200 and cleared.json()["route_drawn"] is True
    study.refresh_from_db()
    assert study.pipe_dn is None and study.route_length_m == 4000
    assert HeatStudy.objects.count() == 1


def test_a_study_over_a_private_site_is_closed_to_who_may_not_read_the_site(world):
    # The workshop's power is public but its site is not: a route length measured between the
    # exact sites would say where it is, so only coordinators open the study.
    workshop = Organisation.objects.get(name="Atelier voisin")
    sink = actions.declare_heat(
        world.coordinator,
        workshop,
        actions.HeatInput(
            kind=HeatKind.SINK,
            title="Séchoir de l'atelier",
            medium="water",
            temperature_c=60,
            return_temperature_c=40,
            power_kw=200,
            hours_per_year=2500,
            quantity_visibility=Visibility.PUBLIC,
            site_visibility=Visibility.COUNTERPART,
        ),
    )
    with pytest.raises(ValidationError, match="site"):
        actions.create_study(
            world.owner,
            actions.StudyInput(
                name="Fonderie → séchoir", source_id=world.source.pk, sink_ids=[sink.pk]
            ),
        )
    made = actions.create_study(
        world.coordinator,
        actions.StudyInput(
            name="Fonderie → séchoir", source_id=world.source.pk, sink_ids=[sink.pk]
        ),
    )
    url = reverse("symbiosis:heat_study", args=[made.pk])
    assert client_of(None).get(url).status_code in (302, 403)
    assert client_of(world.owner).get(url).status_code == 403
    assert client_of(world.coordinator).get(url).status_code == 200

"""Declaring heat and making studies: who may, what is refused and named, nothing half-saved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import DeclarationState, HeatDeclaration, HeatStudy
from maillage.symbiosis.tests.heat_world import make_world, source_input


@pytest.fixture
def world(make_user, make_organisation, coordinator):
    return make_world(make_user, make_organisation, coordinator)


@pytest.mark.django_db
def test_it_declares_heat_at_the_main_site_with_a_normalised_profile(world):
    declaration = actions.declare_heat(
        world.owner, world.foundry, source_input(monthly_profile=["2"] + ["1"] * 11)
    )
    assert declaration.site.organisation == world.foundry
    assert declaration.energy_mwh_per_year == 30_000
    assert sum(declaration.monthly_profile) == pytest.approx(1)
    assert declaration.monthly_profile[0] == pytest.approx(2 / 13, abs=1e-5)


@pytest.mark.django_db
def test_it_names_every_wrong_field_and_saves_nothing(world):
    before = HeatDeclaration.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.declare_heat(
            world.owner,
            world.foundry,
            source_input(
                title=" ",
                power_kw="0",
                hours_per_year="9000",
                temperature_c="chaud",
                medium="plasma",
                monthly_profile=[1, 2, 3],
            ),
        )
    assert set(refused.value.message_dict) == {
        "title",
        "power_kw",
        "hours_per_year",
        "temperature_c",
        "medium",
        "monthly_profile",
    }
    assert HeatDeclaration.objects.count() == before


@pytest.mark.django_db
def test_it_refuses_a_sink_whose_return_is_hotter_than_its_supply(world):
    with pytest.raises(ValidationError) as refused:
        actions.declare_heat(
            world.owner,
            world.foundry,
            source_input(kind="sink", temperature_c="60", return_temperature_c="70"),
        )
    assert "return_temperature_c" in refused.value.message_dict


@pytest.mark.django_db
def test_it_lets_only_members_and_coordinators_declare_and_close(world):
    with pytest.raises(PermissionDenied):
        actions.declare_heat(world.outsider, world.foundry, source_input())
    with pytest.raises(PermissionDenied):
        actions.close_heat(world.outsider, world.source)
    actions.update_heat(world.coordinator, world.source, source_input(power_kw="4000"))
    world.source.refresh_from_db()
    assert world.source.power_kw == 4000
    actions.close_heat(world.owner, world.source)
    world.source.refresh_from_db()
    assert world.source.state == DeclarationState.CLOSED
    with pytest.raises(ValidationError, match="est close"):
        actions.update_heat(world.owner, world.source, source_input())
    with pytest.raises(ValidationError, match="déjà close"):
        actions.close_heat(world.owner, world.source)


@pytest.mark.django_db
def test_it_makes_a_study_for_the_source_members_and_the_coordinators_only(world):
    data = actions.StudyInput(
        name="Fonderie → réseau",
        source_id=world.source.pk,
        sink_ids=[world.sink.pk],
        route_length_m="9000",
    )
    study = actions.create_study(world.owner, data)
    assert list(study.sinks.all()) == [world.sink] and study.route_length_m == 9000
    with pytest.raises((PermissionDenied, ValidationError)):
        actions.create_study(world.outsider, data)
    study = actions.update_study(
        world.coordinator,
        study,
        actions.StudyInput(
            name="Autre", source_id=world.source.pk, sink_ids=[world.sink.pk], pipe_dn="250"
        ),
    )
    assert study.pipe_dn == 250 and study.route_length_m is None
    assert HeatStudy.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_study_over_a_sink_whose_power_the_author_may_not_read(world, make_user):
    hidden = actions.declare_heat(
        world.coordinator,
        world.town,
        source_input(kind="sink", title="Piscine", temperature_c="40", return_temperature_c="30"),
    )
    with pytest.raises(ValidationError) as refused:
        actions.create_study(
            world.owner,
            actions.StudyInput(name="x", source_id=world.source.pk, sink_ids=[hidden.pk]),
        )
    assert "Piscine" in str(refused.value.message_dict["sinks"])
    with pytest.raises(ValidationError) as refused:
        actions.create_study(
            world.owner,
            actions.StudyInput(name="", source_id=world.sink.pk, sink_ids=[], pipe_dn="7"),
        )
    assert {"name", "source", "sinks", "pipe_dn"} <= set(refused.value.message_dict)


@pytest.mark.django_db
def test_it_computes_the_power_from_the_mass_flow_and_its_temperature_drop(world):
    declaration = actions.declare_heat(
        world.owner,
        world.foundry,
        source_input(power_kw=None, mass_flow_kg_s="10", delta_t_k="20,0"),
    )
    assert declaration.power_kw == pytest.approx(10 * 4.19 * 20)
    with pytest.raises(ValidationError) as refused:
        actions.declare_heat(world.owner, world.foundry, source_input(power_kw="", delta_t_k="5"))
    assert "power_kw" in refused.value.message_dict

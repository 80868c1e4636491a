"""Coordinators override the factor table: validation naming the field, versions, permission,
back to the shipped value, and every machine recomputed after the commit."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.impact.actions import factors as actions
from maillage.impact.factors import limits, shipped_factors
from maillage.impact.models import FactorOverride, MachineImpact, MaterialShare
from maillage.impact.queries.factors import current_factors, factor_history

pytestmark = pytest.mark.django_db

SURVEY = "Regional survey of steel stockholders, 2025"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_an_override_is_the_next_version_and_is_in_force(coordinator):
    first = actions.override_factor(
        coordinator, "recycled_feedstock.steel", 0.55, SURVEY, 2025, "Regional mills"
    )
    second = actions.override_factor(coordinator, "recycled_feedstock.steel", 0.6, SURVEY, 2025)
    assert (first.version, second.version) == (1, 2)
    assert (second.unit, second.created_by) == ("fraction", coordinator)
    factor = current_factors().get("recycled_feedstock.steel")
    assert (factor.value, factor.version, factor.status, factor.source) == (
        0.6,
        2,
        "override",
        SURVEY,
    )
    # Other factors keep their shipped value, version 0.
    assert current_factors().get("recycled_feedstock.copper").version == 0


@pytest.mark.parametrize(
    ("key", "value", "field", "message"),
    [
        ("no_such_factor", 1, "key", "No factor is called “no_such_factor”."),
        ("recycled_feedstock.steel", 1.2, "value", "A share: give a number between 0 and 1"),
        ("recycled_feedstock.steel", -0.1, "value", "A share: give a number between 0 and 1"),
        ("average_utilisation", 0, "value", "A share: give a number above 0 and at most 1"),
        ("feedstock_efficiency.steel", 0, "value", "A share: give a number above 0"),
        ("machine_life_years", 0, "value", "Give a number above zero."),
        ("machine_life_years", 500, "value", "At most 200 for this factor."),
        ("hours_available_per_year", 9000, "value", "At most 8784 for this factor."),
        ("variable_cost_per_hour", -1, "value", "Give a number, zero or more."),
        ("road_detour_factor", 0.9, "value", "At least 1 for this factor."),
        ("grid_kgco2e_per_kwh", math.inf, "value", "Give a finite number."),
        ("grid_kgco2e_per_kwh", math.nan, "value", "Give a finite number."),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_saved(
    coordinator, key, value, field, message
):
    errors = _errors(lambda: actions.override_factor(coordinator, key, value, SURVEY, 2025))
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert not FactorOverride.objects.exists()


def test_source_year_and_note_are_checked_together(coordinator):
    errors = _errors(
        lambda: actions.override_factor(
            coordinator, "grid_kgco2e_per_kwh", 0.06, "  ", 1850, "x" * 1001
        )
    )
    assert set(errors) == {"source", "year", "note"}
    assert errors["source"] == ["Say where the value comes from: a study, a survey, a measure."]
    assert errors["year"][0].startswith("Give the year of the source, between 1900 and")
    assert not FactorOverride.objects.exists()


def test_zero_is_allowed_where_the_factor_may_be_zero(coordinator):
    row = actions.override_factor(coordinator, "coordination_cost_per_hour", 0, SURVEY, 2025)
    assert row.value == 0.0


def test_someone_who_is_not_a_coordinator_is_refused_and_nothing_is_saved(make_user):
    member = make_user("member")
    with pytest.raises(PermissionDenied):
        actions.override_factor(member, "grid_kgco2e_per_kwh", 0.06, SURVEY, 2025)
    with pytest.raises(PermissionDenied):
        actions.revert_factor(member, "grid_kgco2e_per_kwh")
    assert not FactorOverride.objects.exists()


def test_a_stale_expected_version_is_a_conflict_and_saves_nothing(coordinator):
    actions.override_factor(coordinator, "load_factor", 0.5, SURVEY, 2025, expected_version=0)
    with pytest.raises(actions.FactorConflict) as caught:
        actions.override_factor(coordinator, "load_factor", 0.7, SURVEY, 2025, expected_version=0)
    assert caught.value.messages == [
        "This factor was changed meanwhile: it is now at version 1. "
        "Read its new value before changing it."
    ]
    assert list(FactorOverride.objects.values_list("version", "value")) == [(1, 0.5)]


def test_going_back_to_the_shipped_value_is_one_more_version_with_its_status(coordinator):
    shipped = shipped_factors()["recycled_feedstock.steel"]
    errors = _errors(lambda: actions.revert_factor(coordinator, "recycled_feedstock.steel"))
    assert errors == {"key": ["This factor already has its shipped value."]}
    actions.override_factor(coordinator, "recycled_feedstock.steel", 0.55, SURVEY, 2025)
    back = actions.revert_factor(coordinator, "recycled_feedstock.steel", "Survey withdrawn")
    assert (back.version, back.value, back.source, back.year) == (
        2,
        shipped.value,
        shipped.source,
        shipped.year,
    )
    factor = current_factors().get("recycled_feedstock.steel")
    assert (factor.value, factor.version, factor.status) == (0.4, 2, "sourced")
    history = factor_history("recycled_feedstock.steel")
    assert [(v.value.version, v.value.status) for v in history] == [
        (2, "sourced"),
        (1, "override"),
        (0, "sourced"),
    ]
    assert history[0].note == "Survey withdrawn"
    # Already back: a second revert is refused.
    assert "key" in _errors(lambda: actions.revert_factor(coordinator, "recycled_feedstock.steel"))


def test_every_machine_is_recomputed_after_the_commit(
    world, coordinator, django_capture_on_commit_callbacks
):
    MaterialShare.objects.create(machine=world.laser, material="steel", mass_kg=1000)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.override_factor(coordinator, "recycled_feedstock.steel", 0.9, SURVEY, 2025)
    assert len(callbacks) == 1
    impact = MachineImpact.objects.get(machine=world.laser)
    assert impact.factor_versions["recycled_feedstock.steel"] == 1


def test_a_loader_may_leave_the_recompute_to_itself(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        actions.override_factor(coordinator, "load_factor", 0.5, SURVEY, 2025, recompute=False)
    assert callbacks == []


@pytest.mark.parametrize(
    ("key", "unit", "allowed", "refused"),
    [
        ("recycled_feedstock.steel", "fraction", [0, 0.5, 1], [-0.01, 1.01]),
        ("collection_efficiency.copper", "fraction", [0.01, 1], [0, 1.5]),
        ("discount_rate", "fraction a year", [0, 0.05], [1.2]),
        ("hours_available_per_year", "h/year", [1, 8784], [0, 8785]),
        ("embodied.steel", "kgCO2e/kg", [0, 1.91], [-1, math.nan]),
    ],
)
def test_the_limits_of_a_factor(key, unit, allowed, refused):
    bounds = limits(key, unit)
    assert all(bounds.allows(value) for value in allowed)
    assert not any(bounds.allows(value) for value in refused)

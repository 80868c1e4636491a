"""Declaring, editing, pausing, closing and reopening: validation naming fields, nothing
half-saved, and who may write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.symbiosis.actions import declarations as actions
from maillage.symbiosis.models import ALL_MONTHS, ResourceDeclaration
from maillage.symbiosis.tests.declaration_world import World, english, offer_input, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
_ = world, english


def errors_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_it_derives_the_category_from_the_code(world: World) -> None:
    assert world.offer.category == "wood"
    assert world.offer.waste_code_id == "03 01 05"
    assert world.offer.months == ALL_MONTHS
    assert actions.category_for_code("15 01 02") == "plastic"
    assert actions.category_for_code("15 01 06") == "container"
    assert actions.category_for_code("20 01 40") == "metal"
    assert actions.category_for_code("16 01 03") == "other"


def test_it_accepts_a_code_without_spaces_and_french_numbers(world: World) -> None:
    saved = actions.declare_resource(
        world.owner,
        world.sawmill,
        offer_input(world.site, waste_code="030105*", quantity_min="1 234,5", quantity_max="2000"),
    )
    assert saved.waste_code_id == "03 01 05"
    assert saved.quantity_min == Decimal("1234.5")


def test_it_names_every_wrong_field_and_saves_nothing(world: World) -> None:
    before = ResourceDeclaration.objects.count()
    errors = errors_of(
        lambda: actions.declare_resource(
            world.owner,
            world.sawmill,
            offer_input(
                world.site,
                quantity_min="5",
                quantity_max="2",
                months=[],
                title="  ",
                unit="barrels",
                price="-3",
                minimum_lot="abc",
                site_visibility="friends",
            ),
        )
    )
    assert errors == {
        "title": ["Give the declaration a title."],
        "quantity_max": ["The maximum quantity must be at least the minimum."],
        "months": ["Tick at least one month."],
        "unit": ["Choose one of the listed values."],
        "price": ["This cannot be negative."],
        "minimum_lot": ["Give a number, e.g. 12,5."],
        "site_visibility": ["Choose one of the listed values."],
    }
    assert ResourceDeclaration.objects.count() == before


def test_it_refuses_a_site_of_another_organisation(world: World) -> None:
    errors = errors_of(
        lambda: actions.declare_resource(
            world.owner, world.sawmill, offer_input(world.rival.sites.get())
        )
    )
    assert errors == {"site": ["Choose one of the organisation's sites."]}


@pytest.mark.parametrize("code", ["03", "03 01", "99 99 99", "hello"])
def test_it_takes_only_an_entry_of_the_list(world: World, code: str) -> None:
    errors = errors_of(
        lambda: actions.declare_resource(
            world.owner, world.sawmill, offer_input(world.site, waste_code=code)
        )
    )
    assert list(errors) == ["waste_code"]


def test_it_needs_a_code_or_a_category(world: World) -> None:
    errors = errors_of(
        lambda: actions.declare_resource(
            world.owner, world.sawmill, offer_input(world.site, waste_code="", category="")
        )
    )
    assert errors == {"category": ["Give a List of Waste code or a material category."]}
    saved = actions.declare_resource(
        world.owner, world.sawmill, offer_input(world.site, waste_code="", category="container")
    )
    assert saved.waste_code is None and saved.category == "container"


def test_it_flags_a_hazardous_code(world: World) -> None:
    saved = actions.declare_resource(
        world.owner, world.sawmill, offer_input(world.site, waste_code="03 01 04")
    )
    assert saved.waste_code is not None and saved.waste_code.hazardous
    page = world.client("anonymous").get(f"/symbiosis/declarations/{saved.pk}/")
    assert b'id="hazardous-warning"' in page.content
    api = world.client("anonymous").get(f"/api/v1/symbiosis/declarations/{saved.pk}").json()
    assert api["hazardous"] is True


@pytest.mark.parametrize("who", ["other", "partner"])
def test_it_lets_only_members_and_coordinators_write(world: World, who: str) -> None:
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        actions.declare_resource(user, world.sawmill, offer_input(world.site))
    with pytest.raises(PermissionDenied):
        actions.update_declaration(user, world.offer, offer_input(world.site, title="Pirate"))
    with pytest.raises(PermissionDenied):
        actions.set_declaration_state(user, world.offer, "close")
    world.offer.refresh_from_db()
    assert world.offer.title == "Sciure de hêtre" and world.offer.state == "active"
    by_coordinator = actions.update_declaration(
        world.coordinator, world.offer, offer_input(world.site, title="Sciure de chêne")
    )
    assert by_coordinator.title == "Sciure de chêne"


def test_it_edits_in_place_and_keeps_a_bad_edit_out(world: World) -> None:
    actions.update_declaration(
        world.owner, world.offer, offer_input(world.site, quantity_max="150", months=[3, 4, 5])
    )
    world.offer.refresh_from_db()
    assert world.offer.quantity_max == Decimal("150")
    assert world.offer.months == 0b11100
    errors_of(
        lambda: actions.update_declaration(
            world.owner, world.offer, offer_input(world.site, quantity_max="1", title="Autre")
        )
    )
    world.offer.refresh_from_db()
    assert world.offer.quantity_max == Decimal("150") and world.offer.title == "Sciure de hêtre"


def test_it_pauses_closes_and_reopens_from_the_right_states_only(world: World) -> None:
    assert actions.set_declaration_state(world.owner, world.offer, "pause").state == "paused"
    with pytest.raises(ValidationError) as caught:
        actions.set_declaration_state(world.owner, world.offer, "pause")
    assert caught.value.messages == [
        "This declaration is now paused: this change no longer applies."
    ]
    assert actions.set_declaration_state(world.owner, world.offer, "close").state == "closed"
    with pytest.raises(ValidationError):
        actions.update_declaration(world.owner, world.offer, offer_input(world.site))
    assert actions.set_declaration_state(world.owner, world.offer, "reopen").state == "active"
    errors = errors_of(lambda: actions.set_declaration_state(world.owner, world.offer, "burn"))
    assert list(errors) == ["change"]

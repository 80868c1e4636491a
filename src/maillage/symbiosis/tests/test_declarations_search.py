"""The List of Waste search: words in French or English, a code with or without spaces; and
the public listing's filters."""

from __future__ import annotations

import pytest

from maillage.symbiosis.queries import declarations as queries
from maillage.symbiosis.queries.visibility import audience_of
from maillage.symbiosis.tests.declaration_world import World, offer_input, world

pytestmark = pytest.mark.django_db
_ = world


def codes(q: str, limit: int = 50) -> list[str]:
    return [code.code for code in queries.search_codes(q, limit)]


def test_it_finds_a_section_from_its_digits() -> None:
    found = codes("0201")
    assert found and all(code.startswith("02 01 ") for code in found)
    assert "02 01 04" in found
    assert codes("02 01") == found


def test_it_finds_an_entry_with_or_without_spaces() -> None:
    assert codes("02 01 04") == ["02 01 04"]
    assert codes("020104") == ["02 01 04"]
    assert codes("17 06 05*") == ["17 06 05"]


def test_it_finds_words_in_french_and_english() -> None:
    assert "03 01 05" in codes("copeaux")
    assert "03 01 05" in codes("sawdust")
    assert "03 01 05" in codes("SCIURE Copeaux")  # case and several words
    assert "03 01 04" in codes("sciure dangereuses")


def test_it_ignores_accents() -> None:
    assert codes("dechets de beton") == codes("déchets de béton")
    assert "17 01 01" in codes("béton")


def test_it_gives_entries_only_and_respects_the_limit() -> None:
    assert len(codes("dechets", limit=5)) == 5
    assert codes("") == []
    assert codes("zzzzqqq") == []


def test_the_listing_filters_by_direction_category_code_department_and_words(
    world: World,
) -> None:
    from maillage.symbiosis.actions.declarations import declare_resource

    declare_resource(
        world.owner,
        world.sawmill,
        offer_input(world.site, waste_code="", category="container", title="Palettes Europe"),
    )
    audience = audience_of(world.other)

    def titles(**filters: str) -> set[str]:
        found = queries.public_declarations(
            world.other, audience, queries.DeclarationFilters(**filters)
        )
        return {d.title for d in found}

    assert titles() == {"Sciure de hêtre", "Sciure pour litière", "Palettes Europe"}
    assert titles(direction="demand") == {"Sciure pour litière"}
    assert titles(category="container") == {"Palettes Europe"}
    assert titles(code="0301") == {"Sciure de hêtre", "Sciure pour litière"}
    assert titles(code="17") == set()
    assert titles(department="13") == titles()
    assert titles(department="84") == set()
    assert titles(q="palettes") == {"Palettes Europe"}
    assert titles(q="sawdust") == {"Sciure de hêtre", "Sciure pour litière"}


def test_the_code_search_page_works_with_and_without_htmx(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/symbiosis/codes/?q=copeaux")
    assert page.status_code == 200
    assert b"03 01 05" in page.content and b"<html" in page.content
    fragment = client.get("/symbiosis/codes/?q=copeaux", HTTP_HX_REQUEST="true")
    assert b"03 01 05" in fragment.content and b"<html" not in fragment.content
    api = client.get("/api/v1/symbiosis/codes?q=sawdust").json()
    assert "03 01 05" in [row["code"] for row in api]

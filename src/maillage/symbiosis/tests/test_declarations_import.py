"""CSV import: all lines or none, every error with its line and column, in French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.symbiosis.actions.declaration_import import import_declarations, template_csv
from maillage.symbiosis.models import ResourceDeclaration
from maillage.symbiosis.tests.declaration_world import World, world

pytestmark = pytest.mark.django_db
_ = world

HEADER = "direction;code;category;title;quantity_min;quantity_max;unit;period;months;composition"


def count(world: World) -> int:
    return ResourceDeclaration.objects.filter(organisation=world.sawmill).count()


def test_it_imports_the_template(world: World) -> None:
    saved = import_declarations(world.owner, world.sawmill, template_csv())
    assert [(d.title, d.category, d.months) for d in saved] == [
        ("Sciure et copeaux de hêtre", "wood", 0b1111_1111_1111),
        ("Palettes Europe", "container", 0b0011_1111_1100),
    ]
    assert saved[0].quantity_min == 2 and saved[0].site == world.site


def test_it_reads_semicolons_french_words_and_decimal_commas(world: World) -> None:
    text = "\ufeff" + HEADER + "\noffre;030105;;Copeaux;1,5;2,25;t;mois;11-2;sec\n"
    (saved,) = import_declarations(world.owner, world.sawmill, text)
    assert saved.direction == "offer" and saved.quantity_max == Decimal("2.25")
    assert saved.months == 0b1100_0000_0011  # November to February


def test_it_lists_every_error_with_its_line_and_column_and_saves_nothing(
    world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "fr"
    before = count(world)
    text = "\n".join(
        [
            HEADER,
            "offer;03 01 05;;Bon;1;2;t;year;;",
            "offer;03;;Chapitre;1;2;t;year;;",
            "demand;;;;5;2;t;year;;",
            "offer;;wood;Mois;1;2;t;year;13;",
            "offer;;wood;Unité;1;2;barils;year;;",
        ]
    )
    with pytest.raises(ValidationError) as caught:
        import_declarations(world.owner, world.sawmill, text)
    assert caught.value.messages == [
        "Ligne 3, colonne code : Choisissez une entrée à six chiffres (par ex. 03 01 05), "
        "pas un chapitre ni une section.",
        "Ligne 4, colonne title : Donnez un titre à la déclaration.",
        "Ligne 4, colonne category : Donnez un code de la liste des déchets ou une catégorie "
        "de matière.",
        "Ligne 4, colonne quantity_max : La quantité maximale doit être au moins égale à la "
        "minimale.",
        "Ligne 5, colonne months : Donnez des mois comme 3-10 ou 1,2,12.",
        "Ligne 6, colonne unit : Choisissez l’une des valeurs proposées.",
    ]
    assert count(world) == before


def test_it_names_missing_columns(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        import_declarations(world.owner, world.sawmill, "title,code\nA,03 01 05\n")
    assert "quantity_min" in caught.value.messages[0]


def test_the_import_page_lists_errors_and_offers_the_template(world: World) -> None:
    client = world.client("owner")
    url = f"/o/{world.sawmill.slug}/symbiosis/import/"
    template = client.get(url + "?template=1")
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith("site,direction,code")
    bad = SimpleUploadedFile("d.csv", (HEADER + "\noffer;;;;1;2;t;year;;\n").encode())
    page = client.post(url, {"file": bad})
    assert page.status_code == 200
    assert "Ligne 2, colonne title" in page.content.decode()
    good = SimpleUploadedFile("d.csv", template.content)
    done = client.post(url, {"file": good})
    assert done.status_code == 302 and done["Location"].endswith("/symbiosis/")
    assert world.client("other").get(url).status_code == 403

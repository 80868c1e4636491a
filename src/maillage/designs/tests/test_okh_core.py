"""The OKH manifest reader and writer, and the mapping of parts to processes: pure, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.designs import okh, processes

DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "okh"
FILES = ("ohloom.okh.toml", "planktoscope.okh.toml", "librewater-acraea.okh.toml")


def read(name: str) -> okh.Manifest:
    return okh.parse_manifest((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", FILES)
def test_round_trip_gives_the_same_manifest(name: str) -> None:
    manifest = read(name)
    again = okh.parse_manifest(okh.to_toml(manifest))
    assert again == manifest
    assert okh.to_toml(again) == okh.to_toml(manifest)


def test_ohloom_parts_masses_and_dimensions() -> None:
    manifest = read("ohloom.okh.toml")
    assert manifest.name == "OHLOOM"
    assert manifest.licence == "CC-BY-SA-4.0"
    assert manifest.licensor == "Jens Meisner"
    assert manifest.repository == "https://gitlab.com/OSEGermany/ohloom"
    assert manifest.okh_version == "OKH-LOSHv1.0"
    assert manifest.documentation_language == "en-GB"
    # The file holds 18 [[part]] tables (its README says 19).
    assert len(manifest.parts) == 18
    clamp = manifest.parts[0]
    assert (clamp.name, clamp.tsdc, clamp.material, clamp.mass_g) == (
        "Clamp Ring",
        ("3DP",),
        "ABS",
        30.0,
    )
    assert clamp.dimensions_mm == (56.0, 56.0, 30.0)  # cylinder(h=30, r=28)
    comb = manifest.parts[1]
    assert comb.dimensions_mm == (120.0, 100.0, 5.0)  # "cube(size = [120,100,5]": no bracket
    side = next(p for p in manifest.parts if p.name == "SideFrame")
    assert side.tsdc == ("CNC", "COT") and side.mass_g == 700.0
    assert side.dimensions_mm == (580.0, 140.0, 18.0)
    assert sum(p.mass_g or 0 for p in manifest.parts) == 2360.0


def test_planktoscope_outer_dimension_fields_and_acraea_metadata_only() -> None:
    plankto = read("planktoscope.okh.toml")
    assert [p.name for p in plankto.parts] == ["PlanktoScope-Case", "PlanktoScope-HAT"]
    assert plankto.parts[0].dimensions_mm == (275.0, 125.0, 105.0)
    assert plankto.parts[1].tsdc == ("PCB",) and plankto.parts[1].mass_g is None
    acraea = read("librewater-acraea.okh.toml")
    assert acraea.parts == ()
    assert acraea.licence == "CERN-OHL-S-2.0"
    assert acraea.function.startswith("A Small Scale Solar Desalination")


def test_not_toml_names_the_line_and_column() -> None:
    with pytest.raises(okh.ManifestError) as error:
        okh.parse_manifest('name = "x"\nversion = = 2\n')
    assert "not TOML" in str(error.value) and "line 2, column" in str(error.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('version = "1"', "no name"),
        ('name = "x"\n[[part]]\ntsdc = "3DP"', "part 1: the part has no name"),
        ('name = "x"\n[[part]]\nname = "a"\nquantity = 0', "'quantity'"),
        ('name = "x"\n[[part]]\nname = "a"\n[[part.mass]]\nvalue = 3\nunit = "stone"', "unit"),
        ('name = "x"\n[[part]]\nname = "a"\nouter-dimensions = "torus(3)"', "OpenSCAD"),
    ],
)
def test_bad_fields_are_named(text: str, words: str) -> None:
    with pytest.raises(okh.ManifestError) as error:
        okh.parse_manifest(text)
    assert words in str(error.value)


def test_v2_and_older_names_units_and_fields() -> None:
    manifest = okh.parse_manifest(
        """
okhv = "OKH-LOSHv2.0"
title = "Presse"
description = "Une presse à balles"
license = { hardware = "CERN-OHL-W-2.0" }
licensor = { name = "Atelier du Panier" }
repository = "https://example.org/presse"
documentation-language = ["fr", "en"]
[[part]]
name = "Plateau"
tsdc = "CNC, LAS"
material = "acier S235"
mass = "1,5 kg"
quantity = 2
[part.outer-dimensions]
width = 40
depth = 30
height = 0.3
unit = "cm"
[[part]]
name = "Vis"
tsdc = "COT"
mass-g = 12
"""
    )
    assert (manifest.name, manifest.licence, manifest.licensor) == (
        "Presse",
        "CERN-OHL-W-2.0",
        "Atelier du Panier",
    )
    assert manifest.documentation_language == "fr"
    plateau, vis = manifest.parts
    assert plateau.tsdc == ("CNC", "LAS") and plateau.quantity == 2
    assert plateau.mass_g == 1500.0 and plateau.dimensions_mm == (400.0, 300.0, 3.0)
    assert vis.mass_g == 12.0 and processes.is_off_the_shelf(vis.tsdc)
    assert okh.parse_manifest(okh.to_toml(manifest)) == manifest


def test_processes_follow_codes_material_and_shape() -> None:
    code = processes.process_codes
    assert code(("3DP",), "PLA") == ("AM.3",)
    assert code(("3DP",), "ABS") == ("AM.3",)
    assert code(("3DP",), "resin") == ("AM.7",)
    assert code(("3DP",), "PA12 powder") == ("AM.5",)
    assert code(("3DP",), "") == ("AM",)
    assert code(("CNC", "COT"), "wood", (580, 140, 18)) == ("WOOD.3.1",)
    assert code(("CNC",), "aluminium", (200, 100, 3)) == ("3.3.6.1",)  # metal sheet: water jet
    assert code(("CNC",), "aluminium", (80, 60, 40)) == ("3.2.3",)  # block: milling
    assert code(("CNC",), "acrylic", (300, 200, 5)) == ("WOOD.3.1",)
    assert code(("CNC",), "", (275, 125, 105)) == ("3.2.3",)
    assert code(("PCB",)) == ("ELEC.2",)
    assert code(("COT",)) == ()
    assert code(("MEC", "STD")) == ()
    assert code(("LAS", "WEL")) == ("3.4.1.1", "4.6")
    assert not processes.is_off_the_shelf(("CNC", "COT"))


def test_material_families() -> None:
    family = processes.material_family
    assert family("PLA") == "plastics"
    assert family("wood") == "wood"
    assert family("Contreplaqué bouleau") == "wood"
    assert family("stainless steel") == "stainless"
    assert family("steel") == "steel"
    assert family("plastic") == "plastics"
    assert family("unobtainium") == ""


def test_messages_are_translated_with_their_nested_parts() -> None:
    french = {
        "part %(number)s (%(name)s)": "pièce %(number)s (%(name)s)",
        "%(where)s: 'material' must be text.": "%(where)s : « material » doit être du texte.",
    }
    with pytest.raises(okh.ManifestError) as error:
        okh.parse_manifest('name = "x"\n[[part]]\nname = "Pied"\nmaterial = 3\n')
    assert str(error.value) == "part 1 (Pied): 'material' must be text."
    assert error.value.message.format(lambda t: french.get(t, t)) == (
        "pièce 1 (Pied) : « material » doit être du texte."
    )


def test_every_mapped_code_and_family_exists() -> None:
    import csv

    from maillage.equipment.models import Material

    table = Path(__file__).resolve().parents[2] / "equipment" / "data" / "processes.csv"
    with table.open(encoding="utf-8") as handle:
        known = {row["code"] for row in csv.DictReader(handle)}
    mapped = {code for codes in processes.FIXED.values() for code in codes}
    mapped |= {"AM", "AM.3", "AM.5", "AM.7", "WOOD.3.1", "3.3.6.1", "3.2.3"}
    assert mapped <= known
    assert {family for _words, family in processes.MATERIAL_WORDS} <= set(Material.values)

"""Integrity of the shared process taxonomy shipped in ``equipment/data``.

Plain Python (csv and pathlib only): no Django settings needed, so it runs with
``pytest -p no:django`` as well as in the full suite.
"""

import csv
import os
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
PROCESSES = DATA / "processes.csv"
FABLABS_CLASSES = DATA / "fablabs_classes.csv"

# Reference data lives in shared/data beside the repository (not shipped).
SHARED = Path(
    os.environ.get("MAILLAGE_SHARED_DATA", Path(__file__).resolve().parents[5] / "shared" / "data")
)
DIN_TSV = SHARED / "taxonomies" / "din8580.tsv"
LABS_CSV = SHARED / "fablabs" / "labs.csv"
MACHINES_CSV = SHARED / "fablabs" / "machines.csv"

HEADER = [
    "code",
    "parent_code",
    "label_fr",
    "label_en",
    "label_de",
    "wikidata",
    "fablabs_key",
    "source",
]
SOURCES = {"DIN8580", "ISO/ASTM 52900", "Maillage"}
ROOTS = {"1", "2", "3", "4", "5", "6", "AM", "WOOD", "TEX", "ELEC", "FOOD", "MEAS", "REP"}

# fablabs.io capability keys and machine classes, as documented in shared/data/README.md.
FABLABS_KEYS = {
    "three_d_printing",
    "cnc_milling",
    "circuit_production",
    "laser",
    "precision_milling",
    "vinyl_cutting",
}
FABLABS_CLASSES_KNOWN = {
    "three_d_printer",
    "cnc_milling",
    "laser",
    "precision_milling",
    "vinyl_cutting",
    "scanner",
    "circuit_production",
    "other",
}

AM_CATEGORIES = {
    "binder jetting",
    "directed energy deposition",
    "material extrusion",
    "material jetting",
    "powder bed fusion",
    "sheet lamination",
    "vat photopolymerization",
}


@pytest.fixture(autouse=True)
def _plain_static_storage():
    """Shadow the root conftest's autouse fixture, which needs pytest-django's ``settings``:
    these tests read CSV files only and must also run with ``-p no:django``."""


def _read(path, delimiter=","):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


@pytest.fixture(scope="module")
def rows():
    return _read(PROCESSES)


@pytest.fixture(scope="module")
def by_code(rows):
    return {r["code"]: r for r in rows}


@pytest.fixture(scope="module")
def class_map():
    return {r["fablabs_class"]: r["process_code"] for r in _read(FABLABS_CLASSES)}


def _shared(path):
    if not path.exists():
        pytest.skip(f"reference data not found: {path}")
    return path


def test_header():
    with PROCESSES.open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == HEADER
    with FABLABS_CLASSES.open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ["fablabs_class", "process_code"]


def test_codes_are_unique(rows):
    codes = [r["code"] for r in rows]
    duplicates = {c for c in codes if codes.count(c) > 1}
    assert not duplicates


def test_codes_are_well_formed(rows):
    for r in rows:
        code = r["code"]
        assert code == code.strip() and code, r
        head, *rest = code.split(".")
        assert head in ROOTS, code
        assert all(p.isdigit() and not p.startswith("0") for p in rest), code


def test_parent_is_derived_from_code(rows):
    for r in rows:
        expected = r["code"].rsplit(".", 1)[0] if "." in r["code"] else ""
        assert r["parent_code"] == expected, r["code"]


def test_every_parent_exists_and_precedes_its_child(rows):
    seen = set()
    for r in rows:
        if r["parent_code"]:
            assert r["parent_code"] in seen, f"{r['code']}: parent missing or after the child"
        seen.add(r["code"])


def test_labels_are_filled(rows):
    for r in rows:
        for column in ("label_fr", "label_en"):
            value = r[column]
            assert value and value == value.strip(), f"{r['code']}: empty or padded {column}"


def test_sources(rows):
    assert {r["source"] for r in rows} <= SOURCES


def test_din_groups_counts(rows):
    din = [r["code"] for r in rows if r["source"] == "DIN8580"]
    depth = [c.count(".") for c in din]
    assert len(din) == 198
    assert (depth.count(0), depth.count(1), depth.count(2)) == (6, 42, 150)


def test_all_din8580_codes_present(by_code):
    for r in _read(_shared(DIN_TSV), delimiter="\t"):
        row = by_code.get(r["code"])
        assert row is not None, r["code"]
        assert row["source"] == "DIN8580", r["code"]


def test_german_labels_of_din_rows(rows):
    for r in rows:
        if r["source"] == "DIN8580":
            assert r["label_de"], r["code"]
            # the ontology's ASCII transliterations were restored (fluessig -> flüssig ...)
            transliterated = r"giess|fuegen|loeten|schweiss|fraesen|saegen"
            assert not re.search(transliterated, r["label_de"].lower()), r["code"]


def test_seven_additive_manufacturing_categories(rows):
    am = [r for r in rows if r["parent_code"] == "AM"]
    assert {r["label_en"].lower() for r in am} == AM_CATEGORIES
    assert all(r["source"] == "ISO/ASTM 52900" for r in am)


def test_branches_present(by_code):
    for root in ROOTS:
        assert root in by_code, root


def test_fablabs_keys_mapped_exactly_once(rows, by_code, class_map):
    keys = [r["fablabs_key"] for r in rows if r["fablabs_key"]]
    assert sorted(keys) == sorted(set(keys)), "a fablabs key sits on more than one node"
    assert set(keys) == FABLABS_KEYS
    # The class mapping file agrees with the column.
    for r in rows:
        if r["fablabs_key"]:
            assert class_map[r["fablabs_key"]] == r["code"]


def test_fablabs_keys_of_labs_csv_are_mapped(rows):
    keys = [r["fablabs_key"] for r in rows if r["fablabs_key"]]
    capabilities = set()
    for lab in _read(_shared(LABS_CSV)):
        capabilities.update(k for k in lab["capabilities"].split(";") if k)
    for key in capabilities:
        assert keys.count(key) == 1, key


def test_class_mapping_targets_exist(by_code, class_map):
    assert set(class_map) >= FABLABS_CLASSES_KNOWN | FABLABS_KEYS
    for fablabs_class, code in class_map.items():
        if fablabs_class == "other":
            assert code == ""
        else:
            assert code in by_code, (fablabs_class, code)


def test_every_machine_class_is_mapped(class_map):
    classes = {m["class"] for m in _read(_shared(MACHINES_CSV))}
    assert classes
    assert classes <= set(class_map), classes - set(class_map)


def test_wikidata_ids_are_well_formed(rows):
    ids = [r["wikidata"] for r in rows if r["wikidata"]]
    assert all(re.fullmatch(r"Q[1-9][0-9]*", q) for q in ids), ids
    assert len(ids) == len(set(ids)), "one Wikidata item on two nodes"

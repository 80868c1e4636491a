"""The fablabs.io import: parsing rules, the real export files, the command and the upload page."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import translation

from maillage.core.text import fold
from maillage.equipment.fablabs.brands import normalise_brand, split_name
from maillage.equipment.fablabs.labs import KnownLab, LabIndex
from maillage.equipment.fablabs.machines import facility_key
from maillage.equipment.fablabs.places import parse_length_mm
from maillage.equipment.fablabs.processes import all_process_codes
from maillage.equipment.fablabs.reader import parse_file
from maillage.equipment.fablabs.rows import FILE_NAMES, FablabsFileError
from maillage.equipment.fablabs.text import repair_lost_accents
from maillage.equipment.taxonomy import read_fablabs_classes, read_processes
from maillage.equipment.views.imports import import_fablabs_view

# Page tests use this module as URLconf: the project's routes plus the page, routed or not yet.
urlpatterns = [
    path("test-import-fablabs/", import_fablabs_view),
    path("", include("maillage.urls")),
]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are checked in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def _data_dir() -> Path:
    # src/maillage/equipment/tests → parents[5] is the directory holding main/ and shared/.
    default = Path(__file__).resolve().parents[5] / "shared" / "data"
    return Path(os.environ.get("MAILLAGE_SHARED_DATA", default)) / "fablabs"


DATA = _data_dir()
LABS, MACHINES, ENVELOPES = (DATA / n for n in FILE_NAMES.values())
needs_data = pytest.mark.skipif(not LABS.exists(), reason=f"no fablabs data in {DATA}")

LABS_HEADER = (
    "source_id,name,address_1,address_2,city,county,postal_code,country_code,"
    "latitude,longitude,capabilities,website\n"
)
MACHINES_HEADER = "name,brand,class,lab_slug,lab_name,city,county,country_code,latitude,longitude\n"


def _rows(file: Path) -> list[dict[str, str]]:
    with file.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _counts() -> tuple[int, int, int]:
    from maillage.directory.models import Organisation, Site
    from maillage.equipment.models import Machine

    return Organisation.objects.count(), Site.objects.count(), Machine.objects.count()


def _import(source: Any, actor: Any, **kwargs: Any) -> Any:
    from maillage.equipment.imports.fablabs import import_fablabs_file

    return import_fablabs_file(source, actor, **kwargs)


# --- plain rules (no database) ------------------------------------------------------------


def test_every_process_code_the_parser_hands_out_exists():
    codes = {row.code for row in read_processes()}
    assert all_process_codes() <= codes
    assert {c for c in read_fablabs_classes().values() if c} <= codes


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("ultimaker", "Ultimaker"),
        ("Ultimaker B.V.", "Ultimaker"),
        ("original prusa", "Prusa Research"),
        ("PRUSA RESEARCH", "Prusa Research"),
        ("makerbot industries", "MakerBot"),
        ("shopbot tools, inc", "ShopBot"),
        ("epilog laser", "Epilog"),
        ("3d systems, inc", "3D Systems"),
        ("  trotec ", "Trotec"),
        ("gw instek", "GW Instek"),
        ("tevo 3d technologies", "Tevo"),
        ("some maker", "Some Maker"),
        ("unknown", ""),
        ("None", ""),
        ("homemade cnc router", ""),
    ],
)
def test_brands_are_merged_and_title_cased(raw, display):
    assert normalise_brand(raw) == display


@pytest.mark.parametrize(
    ("name", "brand", "expected"),
    [
        ("ultimaker 2", "ultimaker", ("Ultimaker 2", "Ultimaker", "2")),
        ("makerbot z18", "makerbot industries", ("MakerBot z18", "MakerBot", "z18")),
        ("gx-24", "roland", ("Roland DG gx-24", "Roland DG", "gx-24")),
        (
            "original prusa i3 mk3",
            "prusa research",
            ("Prusa Research i3 mk3", "Prusa Research", "i3 mk3"),
        ),
        ("ultimaker 2+", "", ("Ultimaker 2+", "Ultimaker", "2+")),
        ("cnc mill\xading mach\xadine", "cnc", ("cnc milling machine", "", "cnc milling machine")),
        (
            "3D Printer (Creality CR 20)",
            "creality",
            ("3D Printer (Creality CR 20)", "Creality", "3D Printer (Creality CR 20)"),
        ),
        ("formlabs", "formlabs", ("Formlabs", "Formlabs", "")),
    ],
)
def test_names_lose_the_repeated_brand(name, brand, expected):
    assert split_name(name, brand) == expected


def test_lengths_in_inches_become_millimetres():
    assert parse_length_mm("9.8in") == (248.92, "in")
    assert parse_length_mm("220") == (220.0, "")
    assert parse_length_mm('12"') == (304.8, "in")
    assert parse_length_mm("") == (None, "")
    with pytest.raises(ValueError):
        parse_length_mm("about a metre")


def test_lost_accents_are_repaired_only_where_unambiguous():
    assert repair_lost_accents("Fab Lab SESI - S?o Bernardo") == "Fab Lab SESI - São Bernardo"
    assert repair_lost_accents("Jo?o Pessoa, Gda?sk") == "João Pessoa, Gdańsk"
    assert repair_lost_accents("Me?k?n? laboratorija") == "Me?k?n? laboratorija"


def test_wrong_header_names_the_missing_columns():
    with pytest.raises(FablabsFileError) as caught:
        parse_file("source_id,name,city\n1,Lab,Paris\n", read_fablabs_classes())
    assert caught.value.missing == (
        "postal_code",
        "country_code",
        "latitude",
        "longitude",
        "capabilities",
    )
    assert "labs.csv" in str(caught.value) and "capabilities" in str(caught.value)


def test_a_name_with_lost_letters_matches_the_intact_one():
    index = LabIndex([KnownLab(1, "FabLab Vilnius | Me?k?n? laboratorija", "LT", 54.7, 25.3)])
    assert [lab.key for lab in index.by_name("FabLab Vilnius | Meškėnų laboratorija", "LT")] == [1]
    assert index.by_name("FabLab Vilnius | Meškėnų laboratorija", "FR") == []
    assert [lab.key for _d, lab in index.near(54.7001, 25.3, 0.5)] == [1]


def test_rows_carry_their_line_numbers_and_reasons():
    text = (
        LABS_HEADER
        + '1,"Lab ""one""","multi\nline address",,Lyon,,69001,FR,45.76,4.83,laser,\n'
        + "2,Lab two,,,Tokyo,,,JP,123,139.7,laser;flying,http://ok.example\n"
        + ",,,,,,,,,,,\n"
    )
    parsed = parse_file(text, read_fablabs_classes())
    assert [lab.line for lab in parsed.labs] == [2, 4]
    assert parsed.labs[0].capability_codes == ("3.4.1.1",)
    reasons = {(p.line, p.level, p.reason) for p in parsed.problems}
    assert (4, "doubtful", "Unknown fablabs.io capability “flying”: ignored.") in reasons
    assert any(line == 4 and "Latitude 123" in reason for line, _l, reason in reasons)
    assert (5, "skipped", "Empty row.") in reasons


# --- the real export files ------------------------------------------------------------------


def _has_coordinates(row: dict[str, str]) -> bool:
    try:
        lat, lon = float(row["latitude"]), float(row["longitude"])
    except ValueError:
        return False
    return -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0, 0)


def _expected_lab_lines() -> tuple[set[int], set[int]]:
    """Lines (header = 1) of the labs that can be placed, and of those that cannot."""
    placed, unplaced = set(), set()
    for line, row in enumerate(_rows(LABS), start=2):  # no record spans two lines in this file
        # France and its overseas departments: placed at their commune when coordinates lack.
        french = row["country_code"] in {"FR", "GP", "MQ", "GF", "RE", "YT"} and (
            row["city"].strip() or row["postal_code"].strip()
        )
        (placed if _has_coordinates(row) or french else unplaced).add(line)
    return placed, unplaced


def _travel_mm(text: str) -> float | None:
    match = re.fullmatch(r"([\d.]+)\s*(in)?", text.strip())
    if not match:
        return None
    return round(float(match.group(1)) * (25.4 if match.group(2) else 1.0), 2)


@needs_data
@pytest.mark.django_db(transaction=False)
def test_real_files_import_counts_samples_and_reimport(coordinator):
    from maillage.directory.models import Organisation, Site
    from maillage.equipment.models import Machine, Process

    started, cpu = time.perf_counter(), time.process_time()
    labs = _import(LABS, coordinator)
    machines = _import(MACHINES, coordinator)
    envelopes = _import(ENVELOPES, coordinator)
    first_run, first_cpu = time.perf_counter() - started, time.process_time() - cpu

    # labs.csv: every placeable lab is one validated fab lab with one site, the rest reported.
    placed, unplaced = _expected_lab_lines()
    assert labs.kind == "labs" and labs.rows == len(placed) + len(unplaced) == 1291
    assert labs.organisations.created == labs.sites.created == len(placed)
    assert {p.line for p in labs.problems if p.level == "skipped"} == unplaced
    assert Organisation.objects.filter(slug__regex=r"^fablabs-[0-9]+$").count() == len(placed)
    assert not Organisation.objects.exclude(kind="fablab").exists()
    assert not Organisation.objects.exclude(status="validated").exists()

    hamamatsu = Organisation.objects.get(slug="fablabs-269")
    assert hamamatsu.name == "FABLAB Hamamatsu"
    site = hamamatsu.sites.get()
    assert (site.latitude, site.longitude, site.country) == (34.710778, 137.726108, "JP")
    assert Process.objects.get(code="3.4.1.1").label_fr in hamamatsu.description
    assert "hamamatsu" in hamamatsu.search_text

    lab86 = Organisation.objects.get(slug="fablabs-261").sites.get()  # Paris 75011, no coordinates
    assert lab86.commune.insee_code == "75111"
    assert (lab86.latitude, lab86.longitude) == (
        round(lab86.commune.latitude, 6),
        round(lab86.commune.longitude, 6),
    )
    lab86_line = next(i for i, r in enumerate(_rows(LABS), start=2) if r["source_id"] == "261")
    assert any(
        p.line == lab86_line and p.level == "doubtful" and "75111" in p.reason
        for p in labs.problems
    )
    sao = next(
        r for r in _rows(LABS) if "S?o" in r["name"] and _has_coordinates(r)
    )  # accents put back
    assert "São" in Organisation.objects.get(slug=f"fablabs-{sao['source_id']}").name

    # machines.csv: one machine per row, except rows whose class tells no process.
    rows = _rows(MACHINES)
    skipped = {p.line for p in machines.problems if p.level == "skipped"}
    from_machines = Machine.objects.filter(source_ref__startswith="machines.csv:")
    assert machines.machines.created == from_machines.count() == len(rows) - len(skipped)
    for line in skipped:
        row = rows[line - 2]
        assert row["class"] == "other" or not _has_coordinates(row), (line, row)
    classed = [r for r in rows if r["class"] != "other" and _has_coordinates(r)]
    assert from_machines.exclude(processes=None).count() >= len(classed)
    beach = {
        m.model: sorted(p.code for p in m.processes.all())
        for m in from_machines.filter(organisation__slug="fablabs-219")
    }  # The Beach Lab x Europe: matched to its labs.csv organisation by name
    assert beach["2"] == ["AM.3"]
    assert beach["gx-24"] == ["3.1.2.1"]
    assert beach["mdx-20"] == ["3.2.3.1"]
    assert beach["kinect v1"] == ["MEAS.2"]
    assert sum(1 for r in rows if r["lab_slug"] == "thebeachlab") == len(beach)
    vilnius = from_machines.filter(source_ref__startswith="machines.csv:fablabvilnius:")
    assert {m.organisation.slug for m in vilnius} == {"fablabs-521"}  # "Me?k?n?" = "Meškėnų"

    # machines_with_envelopes.csv: every row with travel keeps it, `quantity` machines each.
    envelope_rows = [(i, r) for i, r in enumerate(_rows(ENVELOPES), start=2) if r["model"]]
    assert envelopes.machines.created == sum(int(r["quantity"]) for _i, r in envelope_rows)
    with_travel = 0
    for line, row in envelope_rows:
        expected = tuple(_travel_mm(row[f"{a}_travel_mm"]) for a in "xyz")
        key = facility_key(row["facility"])
        made = Machine.objects.filter(
            source_ref__startswith=f"machines_with_envelopes.csv:{key}:"
            f"{fold(row['brand'])}|{fold(row['model'])}:"
        )
        assert made.count() >= int(row["quantity"]), (line, row)
        for machine in made:
            assert (machine.envelope_x_mm, machine.envelope_y_mm, machine.envelope_z_mm) == expected
        with_travel += any(expected)
    assert with_travel == 22
    assert Machine.objects.exclude(envelope_x_mm=None).count() == sum(
        int(r["quantity"]) for _i, r in envelope_rows if r["x_travel_mm"]
    )

    # Re-importing changes nothing: no new rows, no update, no new history.
    counts = _counts()
    history = (
        Organisation.history.count(),
        Site.history.count(),
        Machine.history.count(),
    )
    started = time.perf_counter()
    again = [_import(f, coordinator) for f in (LABS, MACHINES, ENVELOPES)]
    second_run = time.perf_counter() - started
    assert _counts() == counts
    assert (Organisation.history.count(), Site.history.count(), Machine.history.count()) == history
    for report in again:
        for part in (report.organisations, report.sites, report.machines):
            assert (part.created, part.updated) == (0, 0)
    assert again[0].organisations.unchanged == len(placed)
    assert again[1].machines.unchanged == machines.machines.created
    print(
        f"\nfablabs import: {first_run:.1f} s ({first_cpu:.1f} s CPU), "
        f"re-import: {second_run:.1f} s, counts {counts}"
    )


# --- transactions, permissions, idempotency on small files -------------------------------------


@pytest.mark.django_db
def test_wrong_columns_reject_the_file_and_name_them(coordinator):
    data = b"source_id,name,city\n1,Lab,Paris\n"
    with pytest.raises(ValidationError) as caught:
        _import(data, coordinator, file_name="labs.csv")
    message = " ".join(caught.value.messages)
    assert "postal_code" in message and "capabilities" in message
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_an_undecodable_row_rejects_the_whole_file(coordinator):
    good = b"1,Lab one,,,Lyon,,69001,FR,45.76,4.83,laser,\n"
    data = LABS_HEADER.encode() + good + b"2,Caf\xe9 lab,,,Lyon,,69001,FR,45.7,4.8,laser,\n"
    with pytest.raises(ValidationError) as caught:
        _import(data, coordinator)
    assert "line 3" in " ".join(caught.value.messages)
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_a_failure_while_saving_rolls_the_whole_file_back(coordinator, monkeypatch):
    from maillage.directory.actions import imports as import_actions

    calls = []

    def failing(organisation: Any) -> None:
        calls.append(organisation)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(import_actions, "refresh_search_text", failing)
    data = (
        LABS_HEADER + "1,Lab one,,,Lyon,,,FR,45.76,4.83,laser,\n2,Lab two,,,Nice,,,FR,43.7,7.26,,\n"
    )
    with pytest.raises(RuntimeError):
        _import(data.encode(), coordinator)
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_latitude_123_is_reported_with_its_line(coordinator):
    data = (
        LABS_HEADER
        + "1,Lab one,,,Lyon,,69001,FR,45.76,4.83,laser,\n"
        + "2,Lab two,,,Osaka,,,JP,123,135.5,laser,\n"
        + "3,Lab three,,,Marseille,,13002,FR,123,5.37,laser,\n"
    )
    report = _import(data.encode(), coordinator)
    by_line = {(p.line, p.level) for p in report.problems if "123" in p.reason}
    assert by_line == {(3, "doubtful"), (4, "doubtful")}
    assert {p.line for p in report.problems if p.level == "skipped"} == {3}  # Osaka: no place
    assert report.organisations.created == 2  # Marseille placed at its commune instead
    assert report.skipped == 1 and report.doubtful == 1


@pytest.mark.django_db
def test_dry_run_reports_but_saves_nothing(coordinator):
    data = LABS_HEADER + "1,Lab one,,,Lyon,,69001,FR,45.76,4.83,laser,\n"
    report = _import(data.encode(), coordinator, dry_run=True)
    assert report.dry_run and report.organisations.created == 1
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_only_coordinators_import(make_user):
    with pytest.raises(PermissionDenied):
        _import(LABS_HEADER.encode(), make_user("member"))


@pytest.mark.django_db
def test_repeated_rows_are_separate_machines_and_reimport_keeps_what_people_added(coordinator):
    from maillage.equipment.models import Machine, MachineMaterial

    labs = LABS_HEADER + "7,Fab Lab Test,,,Lyon,,69001,FR,45.76,4.83,laser,\n"
    machines = (
        MACHINES_HEADER + 2 * "gx-24,roland,vinyl_cutting,test,Fab Lab Test,Lyon,,FR,45.76,4.83\n"
    )
    _import(labs.encode(), coordinator)
    first = _import(machines.encode(), coordinator)
    assert first.machines.created == 2
    assert first.organisations.unchanged == 1  # attached to the labs.csv lab, not a new one
    machine = Machine.objects.order_by("source_ref").first()
    assert machine.organisation.slug == "fablabs-7"
    assert machine.name == "Roland DG gx-24" and machine.computer_controlled
    machine.serial_number = "SN-1"
    machine.save()
    MachineMaterial.objects.create(machine=machine, material="plastics")
    again = _import(machines.encode(), coordinator)
    assert (again.machines.created, again.machines.unchanged) == (0, 2)
    machine.refresh_from_db()
    assert machine.serial_number == "SN-1" and machine.material_codes() == ["plastics"]
    assert Machine.objects.count() == 2


@pytest.mark.django_db
def test_machines_of_an_unknown_lab_get_their_own_organisation(coordinator):
    data = (
        MACHINES_HEADER
        + "ultimaker 2,ultimaker,three_d_printer,somelab,Some Lab,Vichy,,FR,,\n"
        + "kinect,microsoft,scanner,nowhere,No Where,Oslo,,NO,,\n"
        + "heat press machine,xingyang,other,somelab,Some Lab,Vichy,,FR,,\n"
        + "dji mavic,dji,other,somelab,Some Lab,Vichy,,FR,,\n"
    )
    from maillage.directory.models import Site

    report = _import(data.encode(), coordinator)
    assert report.machines.created == 2
    site = Site.objects.get()
    assert site.organisation.slug == "fablabs-somelab" and site.commune.name == "Vichy"
    skipped = {p.line: p.reason for p in report.problems if p.level == "skipped"}
    assert set(skipped) == {3, 5}
    assert "outside France" in skipped[3] and "dji mavic" in skipped[5]


# --- the command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_counts_and_problems_and_fails_on_a_rejected_file(coordinator, tmp_path):
    good = tmp_path / "labs.csv"
    good.write_text(LABS_HEADER + "1,Lab,,,Osaka,,,JP,,,laser,\n2,Lab two,,,Lyon,,69001,FR,,,,\n")
    bad = tmp_path / "broken.csv"
    bad.write_text("name,brand\nx,y\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_fablabs", str(bad), str(good), "--as", "coord", stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert f"{bad}: rejected:" in err.getvalue() and "lab_slug" in err.getvalue()
    assert "organisations: 1 created, 0 updated, 0 unchanged" in out.getvalue()
    assert f"{good}:2: skipped: No coordinates: outside France (JP)" in out.getvalue()
    assert f"{good}:3: doubtful: No coordinates: placed at the centre" in out.getvalue()
    assert _counts() == (1, 1, 0)


@pytest.mark.django_db
def test_command_dry_run_and_refuses_non_coordinators(coordinator, make_user, tmp_path):
    good = tmp_path / "labs.csv"
    good.write_text(LABS_HEADER + "2,Lab two,,,Lyon,,69001,FR,45.7,4.8,,\n")
    out = io.StringIO()
    call_command("import_fablabs", str(good), "--as", "coord", "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and _counts() == (0, 0, 0)
    make_user("member")
    with pytest.raises(CommandError, match="not a network coordinator"):
        call_command("import_fablabs", str(good), "--as", "member")


# --- the upload page --------------------------------------------------------------------------


def _page_url(settings: Any) -> str:
    settings.ROOT_URLCONF = __name__
    try:
        return reverse("equipment:import_fablabs")
    except NoReverseMatch:  # not routed yet: the module's own route serves the same view
        return "/test-import-fablabs/"


@pytest.mark.django_db
def test_upload_page_imports_and_shows_the_report(client, coordinator, settings):
    url = _page_url(settings)
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "labs.csv",
        (
            LABS_HEADER + "1,Lab,,,Osaka,,,JP,,,laser,\n2,Lab two,,,Lyon,,69001,FR,45.7,4.8,,\n"
        ).encode(),
    )
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-problems"' in html and "<td>2</td>" in html
    assert _counts() == (1, 1, 0)


@pytest.mark.django_db
def test_upload_page_shows_a_rejected_file_and_changes_nothing(client, coordinator, settings):
    url = _page_url(settings)
    client.force_login(coordinator)
    upload = SimpleUploadedFile("labs.csv", b"source_id,name\n1,x\n")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "capabilities" in response.content.decode()
    assert 'id="import-report"' not in response.content.decode()
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_upload_page_is_for_coordinators_only(client, make_user, settings):
    url = _page_url(settings)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(make_user("member"))
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("labs.csv", LABS_HEADER.encode())
    assert client.post(url, {"file": upload}).status_code == 403

"""The annual report: the same figures as HTML, PDF (checked by reading its text back), CSV
and JSON; members only."""

from __future__ import annotations

import csv
import io
import json

import pypdf
import pytest
from django.utils import timezone

from maillage.impact import pdf
from maillage.impact import report as description
from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.actions.economics import EconomicsInput, save_economics
from maillage.impact.actions.repairability import AssessmentInput, record_assessment

pytestmark = pytest.mark.django_db

SCORES = dict.fromkeys(
    ("documentation", "disassembly", "spare_parts", "parts_price", "specific"), 13
)
EVIDENCE = dict.fromkeys(SCORES, "Seen on the machine.")


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u00a0", " ")


@pytest.fixture
def reported(impact_world):
    w = impact_world
    w.booked("42", days_ago=2)
    # Open 140 h a year, the 42 h are the average use (30 %): U/U_av = 1.
    save_economics(w.admin, w.lathe, EconomicsInput(hours_available_per_year=140))
    save_composition(w.admin, w.lathe, [MaterialInput("steel", 8000, recycled_collection=0.95)])
    record_assessment(w.admin, w.lathe, AssessmentInput(SCORES, EVIDENCE))
    return w, timezone.localdate().year


def test_the_pdf_holds_the_headline_figures(client, reported):
    w, year = reported
    client.force_login(w.member)
    response = client.get(f"/o/{w.owner.slug}/impact/report/{year}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert f"Impact report {year}" in text and "Atelier Tourné" in text
    assert "0.67" in text  # the lathe's MCI (8 t of steel, F_R 0.4, C_R 0.95: 0.672)
    assert "6.5/10" in text  # repairability, 13 of 20 on each criterion
    assert "known for 1 machine of 1" in text
    assert "42 h" in text  # hours the neighbour used the lathe
    assert "€1,680" in text  # invoiced to the neighbour (private, members only)
    assert "not the legal index" in text


def test_the_pdf_writes_french_accents_and_the_euro_sign(client, reported, settings):
    w, year = reported
    client.force_login(w.member)
    response = client.get(f"/o/{w.owner.slug}/impact/report/{year}.pdf", HTTP_ACCEPT_LANGUAGE="fr")
    text = _text(response.content)
    assert "Atelier Tourné" in text
    assert "1 680 €" in text


def test_characters_outside_the_font_are_replaced_not_lost():
    assert pdf.pdf_text("≈ 3,03\u202fkgCO₂e − 1 ≤ 2 € é") == "~ 3,03\u00a0kgCO2e - 1 <= 2 € é"
    report = description.Report(
        title="Rapport d'impact",
        subject="Atelier Tourné",
        period="2026",
        start="2026-01-01",
        end="2027-01-01",
        generated="2026-12-31T12:00:00",
        headlines=[description.Headline("cost", "Coût ≈", 44.86, "EUR/h", "44,86 €/h")],
        charts=[description.Chart("hours", "Heures", ["janv.", "févr."], [3.0, 5.5], "h")],
    )
    text = _text(pdf.render_pdf(report))
    assert "Coût ~" in text and "44,86 €/h" in text and "févr." in text


def test_the_open_data_files_have_the_same_figures(client, reported):
    w, year = reported
    client.force_login(w.admin)
    base = f"/o/{w.owner.slug}/impact/report/{year}"
    rows = list(csv.reader(io.StringIO(client.get(f"{base}.csv").content.decode())))
    assert rows[0] == ["section", "item", "measure", "value", "unit", "note"]
    figures = {row[1]: row for row in rows if row[0] == "figures"}
    assert figures["hours_given"][3:5] == ["42", "h"]
    assert figures["mci"][4] == "fraction" and round(float(figures["mci"][3]), 3) == 0.672
    assert figures["mci"][5] == "known for 1 machine of 1"
    assert any(row[0] == "factors" and row[1] == "recycled_feedstock.steel" for row in rows)
    data = json.loads(client.get(f"{base}.json").content)
    assert (
        data["period"]["start"] == f"{year}-01-01" and data["period"]["end"] == f"{year + 1}-01-01"
    )
    by_key = {item["key"]: item for item in data["figures"]}
    assert by_key["hours_given"]["value"] == 42 and by_key["invoiced"]["value"] == 1680
    assert {table["key"] for table in data["tables"]} == {"inflows", "outflows", "machines"}
    machines = next(table for table in data["tables"] if table["key"] == "machines")
    assert machines["rows"][0][0] == "Tour CN Ernault"
    assert {chart["key"] for chart in data["charts"]} == {
        "hours_used",
        "hours_given",
        "circularity",
    }


def test_the_html_report_is_printable_and_links_its_files(client, reported):
    w, year = reported
    client.force_login(w.member)
    html = client.get(f"/o/{w.owner.slug}/impact/report/{year}/").content.decode()
    assert 'id="headline-mci"' in html and "<svg" in html
    assert f"/o/{w.owner.slug}/impact/report/{year}.csv" in html


def test_the_report_is_for_members_only(client, reported):
    w, year = reported
    base = f"/o/{w.owner.slug}/impact/report/{year}"
    assert client.get(f"{base}.pdf").status_code == 302  # to the sign-in page
    client.force_login(w.neighbour_member)
    for suffix in ("/", ".pdf", ".csv", ".json"):
        assert client.get(base + suffix).status_code == 403
    client.force_login(w.member)
    assert client.get(f"/o/{w.owner.slug}/impact/report/{year + 1}.pdf").status_code == 404
    assert client.get(f"/o/{w.pending.slug}/impact/report/{year}.pdf").status_code == 404


def test_csv_text_cannot_run_as_a_formula_and_numbers_stay_numbers():
    table = description.Table(
        "machines",
        "Machines",
        [description.Column("machine", "Machine"), description.Column("delta", "Δ", "h", True)],
        [[description.Cell("=HYPERLINK()", "=HYPERLINK()"), description.Cell(-3.5, "-3,5")]],
    )
    report = description.Report(
        title="t",
        subject="s",
        period="p",
        start="2026-01-01",
        end="2027-01-01",
        generated="g",
        headlines=[],
        tables=[table],
    )
    rows = list(csv.reader(io.StringIO(description.to_csv(report))))
    assert rows[1] == ["machines", "'=HYPERLINK()", "delta", "-3.5", "h", ""]

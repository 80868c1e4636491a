"""The network's annual report as PDF (read back with pypdf), CSV and JSON, and the network's
circular inflow and outflow (CTI): public aggregates, hidden cells never leak."""

from __future__ import annotations

import csv
import io
import json

import pypdf
import pytest

from maillage.impact.disclosure import TOO_FEW
from maillage.impact.report import CSV_HEADER
from maillage.impact.tests.network_world import YEAR, Network, at
from maillage.maintenance.actions.interventions import (
    InterventionInput,
    PartInput,
    record_intervention,
)

pytestmark = pytest.mark.django_db

HIDDEN = "hidden: fewer than 3 organisations contribute"


def _fit_part(park: Network, host_index: int, kg: str = "100") -> None:
    """A 100 kg steel part fitted on a host's lathe in June (40 % recycled by default)."""
    host = park.hosts[host_index]
    record_intervention(
        park.people[host.pk],
        park.lathes[host_index],
        InterventionInput(kind="preventive", done_at=at(6), parts=[PartInput("Banc", kg, "steel")]),
    )


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def _csv(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/impact/report/{YEAR}.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def _json(client) -> dict:
    response = client.get(f"/impact/report/{YEAR}.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _figure(data: dict, key: str) -> dict:
    return next(item for item in data["figures"] if item["key"] == key)


@pytest.fixture
def shared_year(park: Network) -> Network:
    park.share_among_three()
    for index in range(3):
        _fit_part(park, index)
    return park


def test_the_pdf_holds_the_network_s_headline_figures(client, shared_year):
    response = client.get(f"/impact/report/{YEAR}.pdf")  # public: nobody signed in
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="maillage-impact-network-{YEAR}.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert f"annual report {YEAR}" in text
    assert "68 h" in text  # 3 months x 3 lathes x 3 bookers x 2.5 h = 67.5 h shared
    assert "Circular inflow (CTI)" in text and "40 %" in text  # steel parts, 40 % recycled
    assert "300 kg in" in text  # three 100 kg parts: the mass behind the percentage
    assert "Wider Circular" not in text  # (sanity: nothing invented)
    assert "Material Circularity Indicator" in text
    assert "hours_available_per_year" in text  # the factors used, with their versions
    assert "recycled_feedstock.steel" in text


def test_the_open_data_files_have_the_same_figures(client, shared_year):
    data = _json(client)
    assert data["period"]["start"] == f"{YEAR}-01-01"
    assert data["period"]["end"] == f"{YEAR + 1}-01-01"
    assert _figure(data, "hours_shared")["value"] == pytest.approx(67.5)
    inflow = _figure(data, "circular_inflow")
    assert inflow["value"] == pytest.approx(0.4) and inflow["method"] == "cti"
    assert _figure(data, "circular_outflow")["value"] is None  # nothing went out: no data
    assert {table["key"] for table in data["tables"]} == {"utilisation", "shared", "mci"}
    shared = next(table for table in data["tables"] if table["key"] == "shared")
    assert [column["key"] for column in shared["columns"]] == [
        "month",
        "hours_shared",
        "bookings",
        "note",
    ]
    assert shared["rows"][4] == [f"{YEAR}-05", 22.5, 9, ""]
    assert {chart["key"] for chart in data["charts"]} >= {"utilisation", "shared", "circularity"}
    assert any(factor["key"] == "recycled_feedstock.steel" for factor in data["factors"])

    rows = _csv(client)
    assert tuple(rows[0]) == CSV_HEADER
    assert all(len(row) == len(CSV_HEADER) for row in rows)
    inflow = next(row for row in rows if row[1] == "circular_inflow")
    assert inflow[:5] == ["figures", "circular_inflow", "Circular inflow (CTI)", "0.4", "fraction"]
    assert ["shared", f"May {YEAR}", "hours_shared", "22.5", "h", ""] in rows
    assert {row[0] for row in rows} >= {"figures", "utilisation", "shared", "mci", "factors"}


def test_hidden_cells_do_not_leak_into_the_pdf_csv_or_json(client, park: Network):
    # One organisation only: its 5 h in April and its part are its own, not the network's.
    park.book(park.lathes[0], park.bookers[0], at(4), 5, told=5)
    _fit_part(park, 0, kg="123")
    data = _json(client)
    for key in ("hours_shared", "circular_inflow", "material_circularity"):
        figure = _figure(data, key)
        assert figure["value"] is None
        assert figure["text"] == HIDDEN and figure["coverage"].startswith(HIDDEN)
    shared = next(table for table in data["tables"] if table["key"] == "shared")
    assert shared["rows"][3] == [f"{YEAR}-04", None, None, HIDDEN]
    raw = json.dumps(data)
    assert "123" not in raw and "5.0" not in raw
    assert "0.4" not in json.dumps(data["figures"])  # (0.4 is only a factor's value)

    rows = _csv(client)
    april = [row for row in rows if row[:2] == ["shared", f"April {YEAR}"]]
    assert [row[3] for row in april] == ["", "", HIDDEN]
    inflow = next(row for row in rows if row[1] == "circular_inflow")
    assert inflow[3] == "" and inflow[5].startswith(HIDDEN)
    assert not any("123" in cell for row in rows for cell in row)

    text = _pdf_text(client.get(f"/impact/report/{YEAR}.pdf").content)
    assert HIDDEN in text
    figures = text.split("Factors used")[0]  # (a factor's source speaks of "40 %")
    assert "123" not in text
    assert "40 %" not in figures and "5 h" not in figures


@pytest.mark.parametrize("extension", ["pdf", "csv", "json"])
@pytest.mark.parametrize("year", [1999, 2999, 99999])
def test_a_year_without_a_report_is_a_400_naming_the_years(client, settings, extension, year):
    settings.LANGUAGE_CODE = "en"
    response = client.get(f"/impact/report/{year}.{extension}")
    assert response.status_code == 400
    assert f"There is no report for {year}: choose a year from 2000" in response.content.decode()


def test_an_unknown_department_is_a_400_naming_the_field(client, park):
    response = client.get(f"/impact/report/{YEAR}.json?department=999")
    assert response.status_code == 400
    assert "department: Unknown department: 999." in response.content.decode()


def test_the_html_report_links_its_pdf_csv_and_json(client, shared_year):
    page = client.get(f"/impact/report/{YEAR}/").content.decode()
    for extension in ("pdf", "csv", "json"):
        assert f'href="/impact/report/{YEAR}.{extension}?' in page
    assert 'id="impact-cti"' in page


PERIOD = f"from={YEAR}-01-01&to={YEAR}-12-31"


def test_the_dashboard_shows_the_network_s_cti_with_three_contributors(client, park: Network):
    for index in range(3):
        _fit_part(park, index)
    response = client.get(f"/impact/?{PERIOD}")
    assert response.status_code == 200
    flows = response.context["figures"].flows
    assert flows.circular_inflow.value == pytest.approx(0.4)
    assert flows.inflow_kg.value == pytest.approx(300)
    assert flows.material_circularity.value == pytest.approx(0.4)
    assert flows.circular_outflow.reason == "no_data"
    page = response.content.decode()
    assert 'id="impact-cti"' in page and "40 %" in page and "300 kg" in page
    assert 'href="/impact/methods/cti/"' in page


def test_the_dashboard_hides_the_cti_below_three_contributors(client, park: Network):
    # Three parts, but from two organisations only: counted once each.
    _fit_part(park, 0)
    _fit_part(park, 0)
    _fit_part(park, 1)
    response = client.get(f"/impact/?{PERIOD}")
    flows = response.context["figures"].flows
    for cell in (flows.circular_inflow, flows.material_circularity, flows.inflow_kg):
        assert cell.value is None and cell.reason == TOO_FEW
    page = response.content.decode()
    section = page[page.index('id="impact-cti"') : page.index("</dl>")]
    assert "300 kg" not in section and "40 %" not in section
    assert 'class="cell-hidden"' in section


def test_in_french_a_hidden_figure_reads_masque_with_its_reason(client, park, settings):
    settings.LANGUAGE_CODE = "fr"
    _fit_part(park, 0)
    data = _json(client)
    inflow = _figure(data, "circular_inflow")
    assert inflow["label"] == "Flux entrant circulaire (CTI)"
    assert inflow["value"] is None and inflow["text"].startswith("masqué")
    text = _pdf_text(client.get(f"/impact/report/{YEAR}.pdf").content)
    assert "masqué" in text and "Flux entrant circulaire" in text


def test_this_years_report_stops_at_the_last_complete_month():
    import datetime as dt

    from maillage.impact.views.network import _year_period

    assert _year_period(2025, dt.date(2026, 12, 3)) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert _year_period(2026, dt.date(2026, 12, 3)) == (dt.date(2026, 1, 1), dt.date(2026, 11, 30))
    assert _year_period(2026, dt.date(2026, 1, 20)) == (dt.date(2026, 1, 1), dt.date(2026, 1, 20))

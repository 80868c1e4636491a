"""The public network dashboard, its CSV files, the annual report and the API: what anyone can
read, what bad filters get back, and that no single organisation's figures show."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import timezone

from maillage.impact.models import MachineEconomics
from maillage.impact.tests.network_world import YEAR, Network, at

pytestmark = pytest.mark.django_db

PERIOD = f"from={YEAR}-01-01&to={YEAR}-12-31"
CHARTS = ("utilisation", "shared", "avoided", "mci", "local")


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_anyone_reads_the_dashboard_with_its_charts_tables_and_csv_links(client, park: Network):
    park.share_among_three()
    response = client.get(f"/impact/?{PERIOD}")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 5  # use, shared, CO2, euros, circularity
    for chart in CHARTS:
        assert f"/impact/network.csv?chart={chart}&amp;from={YEAR}-01-01" in page
    assert page.count("<details") >= 4  # a data table under each chart
    assert "Use recorded for 3 of 4 machines" in page
    figures = response.context["figures"]
    assert figures.shared.total.value == pytest.approx(3 * 3 * 3 * 2.5)
    assert "68 h" in page  # whole hours on the page, to the hundredth in the CSV


def test_filters_narrow_the_figures(client, park: Network):
    park.share_among_three()
    response = client.get(f"/impact/?{PERIOD}&department=13&process=3.2")
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.filters.department == "13" and figures.filters.process == "3.2"
    assert figures.machines == 2  # the two lathes in Marseille; the laser is not machining


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("department=999", "Unknown department: 999."),
        ("process=9.9.9", "Unknown process: 9.9.9."),
        ("from=99999-01-01", "Enter a date as YYYY-MM-DD."),
        ("from=1999-01-01&to=2000-01-01", "Enter a date between 2000 and 2100."),
        (f"from={YEAR}-06-01&to={YEAR}-05-01", "The end of the period comes before its start."),
        ("from=2001-01-01&to=2025-01-01", "The period is at most 10 years long."),
    ],
)
def test_filters_that_cannot_be_answered_get_a_400_naming_the_field(client, park, query, message):
    response = client.get(f"/impact/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    csv_answer = client.get(f"/impact/network.csv?chart=shared&{query}")
    assert csv_answer.status_code == 400
    assert csv_answer["Content-Type"].startswith("text/plain")
    assert message in csv_answer.content.decode()
    api = client.get(f"/api/v1/impact/network?{query}")
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"][0] == "query"


def test_each_chart_s_csv_is_utf8_comma_separated_with_iso_months(client, park: Network):
    park.share_among_three()
    response = client.get(f"/impact/network.csv?chart=utilisation&{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="maillage-impact-utilisation-{YEAR}-01-01-{YEAR}-12-31.csv"'
        in (response["Content-Disposition"])
    )
    rows = rows_of(response)
    assert rows[0] == ["month", "hours_used", "hours_available", "utilisation", "note"]
    assert [row[0] for row in rows[1:]] == [f"{YEAR}-{month:02d}" for month in range(1, 13)]
    march = rows[3]
    assert float(march[1]) == pytest.approx(22.5) and march[4] == ""
    assert float(march[3]) == pytest.approx(22.5 / (3 * 1760 * 31 / 365), rel=1e-3)
    shapes = {
        "shared": ["month", "hours_shared", "bookings", "note"],
        "avoided": ["figure", "value", "unit", "note"],
        "mci": ["mci_from", "mci_to", "machines", "note"],
        "local": ["figure", "value", "unit", "note"],
    }
    for chart, header in shapes.items():
        rows = rows_of(client.get(f"/impact/network.csv?chart={chart}&{PERIOD}"))
        assert rows[0] == header
        assert all(len(row) == len(header) for row in rows)
    shared = rows_of(client.get(f"/impact/network.csv?chart=shared&{PERIOD}"))
    assert shared[5] == [f"{YEAR}-05", "22.5", "9", ""]
    mci = rows_of(client.get(f"/impact/network.csv?chart=mci&{PERIOD}"))
    assert len(mci) == 11 and mci[1][:2] == ["0.0", "0.1"]


def test_a_hidden_cell_is_empty_in_the_csv_with_its_reason(client, park: Network):
    park.book(park.lathes[0], park.bookers[0], at(4), 5, told=5)
    rows = rows_of(client.get(f"/impact/network.csv?chart=shared&{PERIOD}"))
    assert rows[4] == [f"{YEAR}-04", "", "", "hidden: fewer than 3 organisations contribute"]
    assert rows[5] == [f"{YEAR}-05", "0", "0", ""]


def test_an_unknown_chart_is_refused_naming_the_choices(client, park: Network):
    response = client.get("/impact/network.csv?chart=bananas")
    assert response.status_code == 400
    text = response.content.decode()
    assert text.startswith("chart: Unknown chart: bananas.")
    assert "utilisation, shared, avoided, mci, local" in text


def test_the_annual_report_prints_the_year_s_figures_and_factors(client, park: Network):
    park.share_among_three()
    response = client.get(f"/impact/report/{YEAR}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"annual report {YEAR}" in page
    assert response.context["filters"].start.isoformat() == f"{YEAR}-01-01"
    assert response.context["filters"].end.isoformat() == f"{YEAR}-12-31"
    assert page.count('<svg class="chart"') == 5
    assert "data-print" in page and "maillage/print.js" in page
    assert "<code>purchase_threshold_hours</code>" in page
    assert "<details open>" in page  # the data tables are printed open


@pytest.mark.parametrize("year", [99999, 1999, 2999])
def test_a_year_without_a_report_gets_a_400_saying_which_years_exist(client, settings, year):
    settings.LANGUAGE_CODE = "en"
    response = client.get(f"/impact/report/{year}/")
    assert response.status_code == 400
    last = timezone.localdate().year
    assert f"There is no report for {year}: choose a year from 2000 to {last}." in (
        response.content.decode()
    )


def test_the_report_refuses_an_unknown_department(client, park):
    response = client.get(f"/impact/report/{YEAR}/?department=999")
    assert response.status_code == 400
    assert "department: Unknown department: 999." in response.content.decode()


def test_the_api_gives_the_figures_with_hidden_cells_null_and_a_reason(client, park: Network):
    park.share_among_three()
    park.book(park.lathes[0], park.bookers[0], at(9), 5, told=5)  # September: one pair
    data = client.get(f"/api/v1/impact/network?{PERIOD}").json()
    assert data["from"] == f"{YEAR}-01-01" and data["min_contributors"] == 3
    assert data["machines"] == 4
    months = data["hours_shared"]["months"]
    assert months[4] == {"month": f"{YEAR}-05", "hours": 22.5, "bookings": 9, "reason": None}
    assert months[8] == {
        "month": f"{YEAR}-09",
        "hours": None,
        "bookings": None,
        "reason": "too_few_contributors",
    }
    assert data["hours_shared"]["total_hours"] == pytest.approx(67.5)
    utilisation = data["utilisation"]
    assert utilisation["coverage"] == {"known": 3, "total": 4}
    assert utilisation["factors"][0]["key"] == "hours_available_per_year"
    assert utilisation["method"] == "sharing"
    assert utilisation["method_url"] == "/impact/methods/sharing/"
    assert data["transport"]["jobs"] == 0 and data["transport"]["reason"] is None
    assert len(data["circularity"]["bins"]) == 10


def test_the_api_names_the_period_fields_from_and_to(client, park):
    answer = client.get(f"/api/v1/impact/network?from={YEAR}-06-01&to={YEAR}-05-01")
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "loc": ["query", "to"],
            "msg": "The end of the period comes before its start.",
            "type": "value_error",
        }
    ]
    assert client.get("/api/v1/impact/network?from=99999-01-01").status_code == 422


def _shows(text: str, number: str) -> bool:
    """The number written with or without a thousands separator (space, comma, dot, nbsp)."""
    head, tail = number[:-3], number[-3:]
    return re.search(rf"{head}[\s,.\u00a0\u202f]?{tail}", text) is not None


def test_one_organisation_s_price_and_bookings_never_show(client, park: Network):
    """A host and a booker alone: the host's price and the booker's spending stay private on
    every public page, file and answer."""
    lathe = park.lathes[0]
    MachineEconomics.objects.create(machine=lathe, price_cents=123_456_00)
    for day in range(1, 5):
        park.book(lathe, park.bookers[0], at(4, day * 5), 30, told=30, cents=98_765_00)
        park.use(lathe, at(4, day * 5), 30)
    answers = [
        client.get(f"/impact/?{PERIOD}"),
        client.get(f"/impact/report/{YEAR}/"),
        client.get(f"/api/v1/impact/network?{PERIOD}"),
        *(client.get(f"/impact/network.csv?chart={chart}&{PERIOD}") for chart in CHARTS),
    ]
    for answer in answers:
        assert answer.status_code == 200
        text = answer.content.decode()
        for private in ("123456", "395060", "98765"):  # the price, the fees, one booking
            assert not _shows(text, private), (answer.request["PATH_INFO"], private)
    assert "hidden" in answers[0].content.decode()


def test_each_figure_links_to_its_method_page(client, park: Network):
    page = client.get(f"/impact/?{PERIOD}").content.decode()
    for key in ("sharing", "avoided", "mci", "local"):
        assert f'href="/impact/methods/{key}/"' in page
        assert client.get(f"/impact/methods/{key}/").status_code == 200
    data = client.get(f"/api/v1/impact/network?{PERIOD}").json()
    assert data["circularity"]["method_url"] == "/impact/methods/mci/"

"""The network dashboard in Chromium: filter it, see its charts, download a chart's CSV; at a
phone's width nothing overflows sideways.

Run alone with `pytest -m browser`; IMPACT_SHOTS=<folder> keeps a screenshot of each width.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.impact.tests.network_world import YEAR, Network

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_the_dashboard_filters_draws_its_charts_and_downloads_csv(
    page: Any, site: Any, park: Network
) -> None:
    park.share_among_three()
    page.goto(f"/impact/?from={YEAR}-01-01&to={YEAR}-12-31")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(5)
    expect(page.locator("#impact-headline")).to_contain_text("68")

    page.select_option("#id_department", "13")
    page.locator("#impact-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"department=13"))
    expect(charts).to_have_count(5)
    # Two hosts in department 13: too few for the hours shared, hidden on the page.
    expect(page.locator("#figure-shared .cell-hidden").first).to_be_attached()

    page.locator("#figure-shared details summary").click()
    expect(page.locator("#figure-shared table")).to_be_visible()
    with page.expect_download() as caught:
        page.locator("#figure-shared a.csv-link").click()
    download = caught.value
    assert "department=13" in download.url
    assert download.suggested_filename == f"maillage-impact-shared-{YEAR}-01-01-{YEAR}-12-31.csv"
    content = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert content[0] == "month,hours_shared,bookings,note"
    assert len(content) == 13

    shots = os.environ.get("IMPACT_SHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/impact/?from={YEAR}-01-01&to={YEAR}-12-31")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/impact-{width}.png", full_page=True)

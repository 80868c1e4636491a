"""The Content-Security-Policy breaks no page: Chromium reports no violation, scripts run."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_no_page_breaks_the_content_security_policy(page: Any) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto("/")
    expect(page.locator("#map .leaflet-tile-pane")).to_be_attached()
    page.goto("/accounts/login/")
    page.goto("/admin/login/")
    expect(page.locator("#id_username")).to_be_visible()
    page.goto("/api/v1/docs")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()

    assert violations == []

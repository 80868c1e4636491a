"""The API's interactive page works offline: Swagger UI comes from our static files."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_the_api_docs_page_lists_the_operations_with_no_request_elsewhere(
    page: Any, blocked_requests: list[str]
) -> None:
    page.goto("/api/v1/docs")

    expect(page.get_by_text("/api/v1/machines", exact=True).first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert blocked_requests == []

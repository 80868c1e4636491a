"""Security headers on every response, and production's refusal of debug mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/organisations/", "/api/v1/organisations", "/admin/login/"])
def test_every_response_carries_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "https://tile.openstreetmap.org" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_the_api_docs_page_has_no_inline_script_the_policy_would_block(client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    tags = re.findall(r"<script[^>]*>", html)
    assert tags
    assert all("src=" in tag or 'type="application/json"' in tag for tag in tags)


def _settings_in_a_new_process(**env: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[4]
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "MAILLAGE_PRODUCTION"}}
    environ.update(env, PYTHONPATH=str(root / "src"))
    return subprocess.run(
        [sys.executable, "-c", "import maillage.settings"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_in_debug_mode() -> None:
    secret = "s" * 60
    ok = _settings_in_a_new_process(MAILLAGE_PRODUCTION="1", SECRET_KEY=secret)
    assert ok.returncode == 0, ok.stderr
    refused = _settings_in_a_new_process(MAILLAGE_PRODUCTION="1", DEBUG="1", SECRET_KEY=secret)
    assert refused.returncode != 0
    assert "ConfigError: DEBUG must be off in production" in refused.stderr


def test_a_view_can_set_its_own_policy(rf: Any, settings: Any) -> None:
    from django.http import HttpResponse

    from maillage.core.headers import SecurityHeadersMiddleware

    def view(request: Any) -> HttpResponse:
        response = HttpResponse()
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY

"""The platform as a whole: languages, production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
def test_the_interface_is_french_first_and_switches_to_english(client):
    page = client.get("/")
    assert page.content.decode().startswith("<!doctype html>")
    assert '<html lang="fr">' in page.content.decode()
    assert "Carte" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/")
    assert '<html lang="en">' in page.content.decode()
    assert ">Map<" in page.content.decode()


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "MAILLAGE_PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "production-secret-for-the-check-only-" + "z" * 20,
        "ALLOWED_HOSTS": "maillage.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {**os.environ, "MAILLAGE_PRODUCTION": "1", "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_bad_setting_stops_the_start_naming_the_variable():
    env = {**os.environ, "MAP_MAX_POINTS": "many"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "MAP_MAX_POINTS" in result.stderr

"""Projects API: the list and its filters, a project, create, update on a version, stage moves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from maillage.cooperation.models import Project
from maillage.cooperation.tests.projects_world import english, world
from maillage.directory.actions.people import create_api_token

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_list_shows_what_the_caller_may_see(client: Any, world: Any) -> None:
    rows = client.get("/api/v1/projects").json()
    assert [r["slug"] for r in rows] == ["public-one"]
    assert rows[0]["budget_text"] == "120\u00a0000\u00a0€" and rows[0]["lead"] == "Atelier Meneur"
    client.force_login(world["pia"])
    assert {r["slug"] for r in client.get("/api/v1/projects").json()} == {
        "public-one",
        "secret-one",
    }
    one = client.get("/api/v1/projects?theme=innovate").json()
    assert [r["slug"] for r in one] == ["secret-one"] and one[0]["partners"] == 1
    assert client.get("/api/v1/projects?stage=nowhere").status_code == 422
    detail = client.get("/api/v1/projects/secret-one").json()
    assert detail["partner_list"][0]["organisation_slug"] == world["partner"].slug


def test_creating_checks_each_field(client: Any, world: Any) -> None:
    body = {"title": "Tours", "theme": "retrofit", "lead": world["lead"].slug, "budget": "800"}
    assert _send(client, "post", "/api/v1/projects", body).status_code == 401
    client.force_login(world["lena"])
    answer = _send(client, "post", "/api/v1/projects", body)
    assert answer.status_code == 201 and answer.json()["stage"] == "idea"
    for bad, field in (
        ({"theme": "space"}, "theme"),
        ({"budget": "-1"}, "budget"),
        ({"lead": "nobody"}, "lead"),
        ({"lead": world["other"].slug}, "lead"),
        ({"commune": "Nullepart-sur-Mer"}, "commune"),
        ({"title": "  "}, "title"),
    ):
        answer = _send(client, "post", "/api/v1/projects", {**body, **bad})
        assert answer.status_code == 422, bad
        assert field in [e["loc"][-1] for e in answer.json()["detail"]], answer.json()
    assert Project.objects.filter(title="Tours").count() == 1


def test_an_update_on_an_older_version_is_a_409(client: Any, world: Any) -> None:
    client.force_login(world["lena"])
    body = {"title": "Découpe v2", "theme": "pooling", "lead": world["lead"].slug, "version": 1}
    answer = _send(client, "put", "/api/v1/projects/public-one", body)
    assert answer.status_code == 200 and answer.json()["version"] == 2
    stale = _send(client, "put", "/api/v1/projects/public-one", {**body, "title": "Stale"})
    assert stale.status_code == 409
    assert stale.json()["detail"][0]["loc"] == ["body", "version"]
    assert Project.objects.get(slug="public-one").title == "Découpe v2"
    client.force_login(world["max"])
    assert (
        _send(client, "put", "/api/v1/projects/public-one", {**body, "version": 2}).status_code
        == 403
    )
    client.force_login(world["oscar"])
    assert _send(client, "put", "/api/v1/projects/secret-one", body).status_code == 404


def test_stage_moves_through_the_api(client: Any, world: Any) -> None:
    client.force_login(world["coord"])
    url = "/api/v1/projects/public-one/stage"
    answer = _send(client, "post", url, {"from_stage": "study", "to_stage": "funded"})
    assert answer.status_code == 200 and answer.json()["stage"] == "funded"
    again = _send(client, "post", url, {"from_stage": "study", "to_stage": "funded"})
    assert again.status_code == 409 and again.json()["detail"][0]["loc"] == ["body", "stage"]
    jump = _send(client, "post", url, {"from_stage": "funded", "to_stage": "idea"})
    assert jump.status_code == 422
    client.force_login(world["oscar"])
    hidden = _send(
        client,
        "post",
        "/api/v1/projects/secret-one/stage",
        {"from_stage": "idea", "to_stage": "study"},
    )
    assert hidden.status_code == 404


def test_a_personal_token_reads_the_private_projects_of_its_owner(client: Any, world: Any) -> None:
    _row, key = create_api_token(world["pia"], "script")
    headers = {"Authorization": f"Bearer {key}"}
    rows = client.get("/api/v1/projects", headers=headers).json()
    assert {r["slug"] for r in rows} == {"public-one", "secret-one"}
    assert client.get("/api/v1/projects/secret-one", headers=headers).status_code == 200

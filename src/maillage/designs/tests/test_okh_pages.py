"""The design pages and API: catalogue, import (file, address, errors), design page, correction,
export; who sees the forms and who is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.designs import okh
from maillage.designs.actions import okh as actions
from maillage.designs.models import Design, ProcessSource
from maillage.designs.tests.okh_world import World, make_world, manifest_bytes
from maillage.equipment.models import Process

pytestmark = pytest.mark.django_db

API = "/api/v1/designs"


@pytest.fixture
def world(make_user: Any, make_organisation: Any) -> World:
    return make_world(make_user, make_organisation)


@pytest.fixture
def ohloom(world: World) -> Design:
    return actions.import_manifest(
        world.member, world.organisation, manifest_bytes("ohloom.okh.toml")
    )


def test_catalogue_searches_and_filters(client: Any, world: World, ohloom: Design) -> None:
    actions.import_manifest(
        world.member, world.organisation, manifest_bytes("planktoscope.okh.toml")
    )
    page = client.get("/designs/").content.decode()
    assert "OHLOOM" in page and "PlanktoScope" in page and "<td>18</td>" in page
    page = client.get("/designs/", {"q": "weaving"}).content.decode()
    assert "OHLOOM" in page and "PlanktoScope" not in page
    page = client.get("/designs/", {"licence": "CERN-OHL-S-2.0"}).content.decode()
    assert "OHLOOM" not in page and "PlanktoScope" in page


def test_design_page_shows_the_bill_of_materials(client: Any, ohloom: Design) -> None:
    response = client.get("/designs/ohloom/", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert "https://spdx.org/licenses/CC-BY-SA-4.0.html" in page
    assert "Jens Meisner" in page and "https://gitlab.com/OSEGermany/ohloom" in page
    assert "580 × 140 × 18\xa0mm" in page
    assert "700\xa0g" in page
    assert "Extrusion de matière" in page  # AM.3 in French
    assert "Défonçage à commande numérique" in page  # WOOD.3.1
    assert "correct-processes" not in page  # anonymous visitors do not correct


def test_import_page_for_members_only(client: Any, world: World) -> None:
    assert client.get("/designs/import/").status_code == 302  # to the login page
    client.force_login(world.outsider)
    # The outsider is admin of another organisation: may import for it, not for this one.
    response = client.post(
        "/designs/import/",
        {
            "organisation": world.organisation.pk,
            "file": SimpleUploadedFile("okh.toml", manifest_bytes("ohloom.okh.toml")),
        },
    )
    assert response.status_code == 200 and Design.objects.count() == 0
    assert "organisation" in response.context["form"].errors


def test_import_a_file_and_see_errors_with_their_line(client: Any, world: World) -> None:
    client.force_login(world.member)
    response = client.post(
        "/designs/import/",
        {
            "organisation": world.organisation.pk,
            "file": SimpleUploadedFile("okh.toml", b'name = "x"\nfunction = \n'),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and Design.objects.count() == 0
    assert "line 2" in response.content.decode()
    response = client.post(
        "/designs/import/",
        {
            "organisation": world.organisation.pk,
            "file": SimpleUploadedFile("okh.toml", manifest_bytes("planktoscope.okh.toml")),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/designs/planktoscope/"
    response = client.post(
        "/designs/import/",
        {"organisation": world.organisation.pk, "url": "http://10.0.0.1/okh.toml"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "10.0.0.1 is a private address" in response.content.decode()


def test_correction_by_admin_only(client: Any, world: World, ohloom: Design) -> None:
    part = ohloom.parts.get(name="Shuttle")
    url = f"/designs/ohloom/parts/{part.pk}/processes/"
    laser = Process.objects.get(code="3.4.1.1")
    client.force_login(world.member)
    assert client.post(url, {"processes": [laser.pk]}).status_code == 403
    assert "correct-processes" not in client.get("/designs/ohloom/").content.decode()
    client.force_login(world.admin)
    assert "correct-processes" in client.get("/designs/ohloom/").content.decode()
    response = client.post(url, {"processes": [laser.pk]})
    assert response.status_code == 302
    assert list(part.processes.values_list("process__code", "source")) == [
        ("3.4.1.1", ProcessSource.MANUAL)
    ]


def test_export_is_a_toml_download_that_reads_back(client: Any, ohloom: Design) -> None:
    response = client.get("/designs/ohloom/okh.toml")
    assert response["Content-Type"].startswith("application/toml")
    assert "attachment" in response["Content-Disposition"]
    exported = okh.parse_manifest(response.content.decode())
    original = okh.parse_manifest(manifest_bytes("ohloom.okh.toml").decode())
    assert exported.parts == original.parts
    assert (exported.name, exported.licence, exported.okh_version) == (
        "OHLOOM",
        "CC-BY-SA-4.0",
        "OKH-LOSHv1.0",
    )


def test_api_list_detail_export(client: Any, ohloom: Design) -> None:
    listed = client.get(f"{API}/").json()
    assert [(d["slug"], d["part_count"]) for d in listed] == [("ohloom", 18)]
    detail = client.get(f"{API}/ohloom/").json()
    side = next(p for p in detail["parts"] if p["name"] == "SideFrame")
    assert side["dimensions_mm"] == [580.0, 140.0, 18.0] and side["mass_g"] == 700.0
    assert side["processes"] == [
        {"code": "WOOD.3.1", "label": side["processes"][0]["label"], "source": "manifest"}
    ]
    response = client.get(f"{API}/ohloom/okh.toml")
    assert response["Content-Type"].startswith("application/toml")
    assert client.get(f"{API}/nothing/").status_code == 404


def test_api_import(client: Any, world: World, no_api_throttle: Any) -> None:
    payload = {"organisation_id": world.organisation.pk, "manifest": 'name = "x"\nbad'}
    assert client.post(
        f"{API}/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    ).status_code in (
        401,
        403,
    )
    client.force_login(world.member)
    response = client.post(
        f"{API}/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert "line 2" in response.json()["detail"] and response.json()["field"] == "manifest"
    response = client.post(
        f"{API}/",
        {"organisation_id": world.organisation.pk, "url": "http://[::1]/okh.toml"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422 and "loopback" in response.json()["detail"]
    response = client.post(
        f"{API}/",
        {
            "organisation_id": world.organisation.pk,
            "manifest": manifest_bytes("planktoscope.okh.toml").decode(),
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201 and len(response.json()["parts"]) == 2
    response = client.post(
        f"{API}/",
        {"organisation_id": world.other.pk, "manifest": 'name = "y"'},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert Design.objects.count() == 1

"""Manifests built to break the reader: huge numbers, deep nesting, infinite sizes, odd
addresses, control characters. Each is a 422 naming the field (or the reason), never a 500,
and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest

from maillage.designs import okh
from maillage.designs.models import Design, DesignPart
from maillage.designs.tests.okh_world import World, make_world

pytestmark = pytest.mark.django_db

API = "/api/v1/designs/"
PART = '\n[[part]]\nname = "Cadre"\n'


@pytest.fixture
def world(make_user: Any, make_organisation: Any) -> World:
    return make_world(make_user, make_organisation)


def _import(client: Any, world: World, manifest: str) -> Any:
    client.force_login(world.member)
    return client.post(
        API,
        {"organisation_id": world.organisation.pk, "manifest": manifest},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    ("manifest", "words"),
    [
        ('name = "x"\nserial = ' + "9" * 5000, "one of its numbers has too many digits"),
        ('name = "x"\ndeep = ' + "[" * 3000 + "]" * 3000, "nested too deep"),
        ('name = "x"' + PART + "mass = " + "9" * 400, "part 1 (Cadre): 'mass' is far too large"),
        (
            'name = "x"' + PART + '[[part.mass]]\nvalue = 1e308\nunit = "t"',
            "part 1 (Cadre): 'mass' is too large (at most 1000 t)",
        ),
        (
            'name = "x"' + PART + "[[part.outer-dimensions]]\nwidth = 1e308\ndepth = 1\n"
            'height = 1\nunit = "m"',
            "part 1 (Cadre): 'outer-dimensions' is too large (at most 100 m)",
        ),
        (
            'name = "x"' + PART + 'outer-dimensions = "cube(size = [200000, 1, 1])"',
            "'outer-dimensions' is too large (at most 100 m)",
        ),
        ('name = "x"\nrepo = "http://[abc"', "The field 'repo' is not a valid address."),
        ('name = "x"\nimage = "http://[x"', "The field 'image' is not a valid address."),
        ('name = "x\\u0000"', "The field 'name' holds a control character."),
        ('name = "x"\nlicense = "MIT\\u001b[31m"', "The field 'license' holds a control"),
        ('name = "x"\nfunction = "ok\\n\\u0007"', "The field 'function' holds a control"),
        ('name = "x"\n[[part]]\nname = "a\\u0000"', "part 1: the field 'name' holds a control"),
        ('name = "x"' + PART + 'material = "aci\\u0085er"', "the field 'material' holds a"),
    ],
)
def test_a_hostile_manifest_is_a_422_and_saves_nothing(
    client: Any, world: World, manifest: str, words: str
) -> None:
    response = _import(client, world, manifest)
    assert response.status_code == 422, response.content
    assert words in response.json()["detail"]
    assert response.json()["field"] == "manifest"
    assert Design.objects.count() == 0 and DesignPart.objects.count() == 0


def test_tabs_and_line_breaks_stay_in_the_description(client: Any, world: World) -> None:
    response = _import(client, world, 'name = "x"\nfunction = "one\\ttwo\\nthree"' + PART)
    assert response.status_code == 201, response.content
    assert Design.objects.get().function == "one\ttwo\nthree"


def test_sizes_and_masses_up_to_the_bounds_are_kept() -> None:
    manifest = okh.parse_manifest(
        'name = "x"' + PART + '[[part.mass]]\nvalue = 1000\nunit = "t"\n'
        '[[part.outer-dimensions]]\nopenSCAD = "cube(size = [100, 2, 3])"\nunit = "m"\n'
    )
    assert manifest.parts[0].mass_g == 1_000_000_000.0
    assert manifest.parts[0].dimensions_mm == (100_000.0, 2000.0, 3000.0)


def test_the_import_page_shows_the_message_too(client: Any, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.member)
    response = client.post(
        "/designs/import/",
        {
            "organisation": world.organisation.pk,
            "file": SimpleUploadedFile("okh.toml", b'name = "x"\nrepo = "http://[abc"\n'),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The field &#x27;repo&#x27; is not a valid address." in response.content.decode()
    assert Design.objects.count() == 0

"""Builds of a design: who records, edits and sees them, photo uploads, the panels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.core.dates import local_today
from maillage.designs.actions.builds import BuildInput, delete_build, record_build, update_build
from maillage.designs.models import Build, BuildPhoto, Design
from maillage.directory.models import Membership, Role

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BUILD_NEW = "/designs/pasteuriser/builds/new/"


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def people(make_user: Any, make_organisation: Any) -> dict[str, Any]:
    admin, member, outsider = make_user("admin"), make_user("member"), make_user("outsider")
    org = make_organisation(
        "Atelier de l'Ubaye", admin=admin, commune="Barcelonnette", postal_code="04400"
    )
    Membership.objects.create(user=member, organisation=org, role=Role.MEMBER)
    other = make_organisation("Fablab Durance", admin=outsider)
    design = Design.objects.create(slug="pasteuriser", name="Pasteurisateur")
    return {
        "admin": admin,
        "member": member,
        "outsider": outsider,
        "org": org,
        "other": other,
        "design": design,
    }


def _build(people: Any, public: bool = True, **fields: Any) -> Build:
    return record_build(
        people["member"],
        people["design"],
        people["org"],
        BuildInput(
            title="Notre pasteurisateur",
            built_on=dt.date(2026, 5, 1),
            is_public=public,
            variations="Cuve de 80 L au lieu de 50 L",
            **fields,
        ),
    )


def test_a_member_records_a_build_with_photos(client: Client, people: Any) -> None:
    client.force_login(people["member"])
    response = client.post(
        BUILD_NEW,
        {
            "organisation": people["org"].pk,
            "title": "Pasteurisateur de la vallée",
            "built_on": "2026-06-12",
            "variations": "Couvercle en mélèze",
            "is_public": "on",
            "photos": [png("a.png"), png("b.png")],
            "caption": "La cuve",
        },
    )
    build = Build.objects.get()
    assert response.status_code == 302 and response["Location"] == build.get_absolute_url()
    assert build.organisation == people["org"] and build.created_by == people["member"]
    photos = list(build.photos.all())
    assert len(photos) == 2 and photos[0].caption == "La cuve"
    assert photos[0].image.name.endswith(".png")
    page = client.get(build.get_absolute_url()).content.decode()
    assert "Couvercle en mélèze" in page and "Barcelonnette" in page and "<img" in page


def test_a_non_image_is_refused_and_nothing_saved(client: Client, people: Any) -> None:
    client.force_login(people["member"])
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(
        BUILD_NEW,
        {
            "organisation": people["org"].pk,
            "title": "T",
            "built_on": "2026-06-12",
            "photos": [png(), fake],
        },
    )
    assert response.status_code == 200
    assert "photo.png is not a JPEG, PNG or WebP image." in response.content.decode()
    assert Build.objects.count() == 0 and BuildPhoto.objects.count() == 0


def test_an_oversized_photo_is_refused(people: Any) -> None:
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationError) as exc:
        record_build(
            people["member"],
            people["design"],
            people["org"],
            BuildInput(title="T", built_on=dt.date(2026, 1, 1)),
            [big],
        )
    assert "photos" in exc.value.message_dict and Build.objects.count() == 0


def test_a_build_date_ahead_is_refused(people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        record_build(
            people["member"],
            people["design"],
            people["org"],
            BuildInput(title="T", built_on=local_today() + dt.timedelta(days=3)),
        )
    assert "built_on" in exc.value.message_dict


def test_only_members_record_builds_for_their_organisation(client: Client, people: Any) -> None:
    with pytest.raises(PermissionDenied):
        record_build(
            people["outsider"],
            people["design"],
            people["org"],
            BuildInput(title="T", built_on=dt.date(2026, 1, 1)),
        )
    client.force_login(people["outsider"])
    # The form offers only the person's own organisations.
    response = client.post(
        BUILD_NEW, {"organisation": people["org"].pk, "title": "T", "built_on": "2026-01-01"}
    )
    assert response.status_code == 200 and Build.objects.count() == 0


def test_only_admins_edit_and_delete(client: Client, people: Any) -> None:
    build = _build(people)
    with pytest.raises(PermissionDenied):
        update_build(people["member"], build, BuildInput(title="X", built_on=build.built_on))
    with pytest.raises(PermissionDenied):
        delete_build(people["outsider"], build)
    client.force_login(people["member"])
    assert client.get(f"{build.get_absolute_url()}edit/").status_code == 403
    client.force_login(people["admin"])
    response = client.post(
        f"{build.get_absolute_url()}edit/",
        {"title": "Nouveau titre", "built_on": "2026-05-02", "variations": "Cuve 80 L"},
    )
    assert response.status_code == 302
    build.refresh_from_db()
    assert build.title == "Nouveau titre" and not build.is_public
    client.post(f"{build.get_absolute_url()}delete/")
    assert not Build.objects.exists()


def test_a_private_build_is_hidden_from_others(client: Client, people: Any) -> None:
    build = _build(people, public=False)
    assert client.get(build.get_absolute_url()).status_code == 404
    client.force_login(people["outsider"])
    assert client.get(build.get_absolute_url()).status_code == 404
    client.force_login(people["member"])
    assert client.get(build.get_absolute_url()).status_code == 200


def test_the_builds_panel_lists_visible_builds_with_their_commune(
    client: Client, people: Any
) -> None:
    public = _build(people)
    private = _build(people, public=False)
    html = client.get("/designs/pasteuriser/makers/").content.decode()
    assert f'id="build-{public.pk}"' in html and f'id="build-{private.pk}"' not in html
    assert "Barcelonnette" in html and "Cuve de 80 L" in html
    assert "Record a build" not in html


def test_the_organisation_page_shows_the_designs_it_built(client: Client, people: Any) -> None:
    _build(people)
    private = _build(people, public=False, description="secret")
    url = people["org"].get_absolute_url()
    html = client.get(url).content.decode()
    assert 'id="designs-built"' in html and "Pasteurisateur" in html
    assert private.get_absolute_url() not in html
    client.force_login(people["member"])
    assert private.get_absolute_url() in client.get(url).content.decode()
    other = client.get(people["other"].get_absolute_url()).content.decode()
    assert 'id="designs-built"' not in other


def test_the_design_page_panels_render_for_its_context(rf: Any, people: Any) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    from maillage.designs.models import DesignPart

    build = _build(people)
    DesignPart.objects.create(design=people["design"], name="Cuve", quantity=2)
    DesignPart.objects.create(design=people["design"], name="Sonde", off_the_shelf=True)
    request = rf.get("/designs/pasteuriser/")
    request.user = people["member"]
    context = {"design": people["design"], "request": request, "user": people["member"]}
    makers = render_to_string("designs/_makers_panel.html", context)
    assert 'action="/designs/pasteuriser/makers/"' in makers and "2 pieces to make" in makers
    builds = render_to_string("designs/_builds_panel.html", context)
    assert f'id="build-{build.pk}"' in builds and "Record a build" in builds
    request.user = AnonymousUser()
    anonymous = {**context, "user": request.user}
    assert "Record a build" not in render_to_string("designs/_builds_panel.html", anonymous)

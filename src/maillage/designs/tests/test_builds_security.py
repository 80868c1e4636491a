"""Photos of builds are private files read through the build's check; pending organisations
neither publish nor show; a build deleted meanwhile is a clear refusal, not a 500."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.designs.actions import okh as okh_actions
from maillage.designs.actions.builds import BuildInput, delete_build, record_build, update_build
from maillage.designs.models import Build, BuildPhoto, Design
from maillage.directory.models import Membership, OrganisationStatus, Role

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64


@pytest.fixture(autouse=True)
def roots(settings: Any, tmp_path: Path) -> dict[str, Path]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return {"media": tmp_path / "media", "private": tmp_path / "private"}


@pytest.fixture
def people(make_user: Any, make_organisation: Any) -> dict[str, Any]:
    admin, member, outsider = make_user("admin"), make_user("member"), make_user("outsider")
    org = make_organisation("Atelier de l'Ubaye", admin=admin)
    Membership.objects.create(user=member, organisation=org, role=Role.MEMBER)
    make_organisation("Fablab Durance", admin=outsider)
    design = Design.objects.create(slug="pasteuriser", name="Pasteurisateur")
    return {"admin": admin, "member": member, "outsider": outsider, "org": org, "design": design}


def _build(people: Any, public: bool, photos: int = 1) -> Build:
    return record_build(
        people["member"],
        people["design"],
        people["org"],
        BuildInput(title="Cuve", built_on=dt.date(2026, 5, 1), is_public=public),
        [SimpleUploadedFile(f"p{i}.png", PNG, "image/png") for i in range(photos)],
    )


def test_photos_are_private_files_with_random_names(people: Any, roots: Any) -> None:
    build = _build(people, public=False, photos=2)
    update_build(
        people["admin"],
        build,
        BuildInput(title="Cuve", built_on=build.built_on, is_public=False),
        [SimpleUploadedFile("p.png", PNG, "image/png")],
    )
    names = [p.image.name for p in BuildPhoto.objects.filter(build=build)]
    assert len(set(names)) == 3  # a second batch does not restart the numbering
    assert all(f"build-{build.pk}" not in n and n.endswith(".png") for n in names)
    assert all((roots["private"] / n).is_file() for n in names)
    assert not roots["media"].exists() or not any(roots["media"].rglob("*.png"))


def test_a_private_build_photo_is_a_404_for_others_and_the_bytes_for_members(
    people: Any,
) -> None:
    build = _build(people, public=False)
    url = build.photos.get().get_absolute_url()
    assert url.startswith(f"/designs/pasteuriser/builds/{build.pk}/photos/")
    assert Client().get(url).status_code == 404
    outsider = Client()
    outsider.force_login(people["outsider"])
    assert outsider.get(url).status_code == 404
    member = Client()
    member.force_login(people["member"])
    response = member.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert url in member.get(build.get_absolute_url()).content.decode()


def test_a_public_build_photo_is_read_by_anyone_through_the_view(people: Any) -> None:
    build = _build(people, public=True)
    photo = build.photos.get()
    assert Client().get(photo.get_absolute_url()).status_code == 200
    # Another build's id in the address does not open the photo.
    other = _build(people, public=True, photos=0)
    wrong = f"/designs/pasteuriser/builds/{other.pk}/photos/{photo.pk}/"
    assert Client().get(wrong).status_code == 404
    api = Client().get("/api/v1/designs/pasteuriser/builds").json()
    assert photo.get_absolute_url() in [u for b in api for u in b["photos"]]


def test_a_pending_organisation_neither_publishes_nor_records(people: Any) -> None:
    org = people["org"]
    org.status = OrganisationStatus.PENDING
    org.save()
    with pytest.raises(PermissionDenied) as error:
        _build(people, public=True, photos=0)
    assert "pas encore validée" in str(error.value)
    with pytest.raises(PermissionDenied) as error:
        okh_actions.import_manifest(people["member"], org, b'name = "Banc"\n')
    assert "pas encore validée" in str(error.value)
    assert Build.objects.count() == 0 and Design.objects.count() == 1
    member = Client()
    member.force_login(people["member"])
    assert member.get("/designs/import/").status_code == 403
    assert member.get("/designs/pasteuriser/builds/new/").status_code == 403


def test_designs_and_builds_of_a_pending_organisation_are_hidden_from_others(
    people: Any,
) -> None:
    build = _build(people, public=True, photos=0)
    Design.objects.create(slug="banc", name="Banc secret", organisation=people["org"])
    org = people["org"]
    org.status = OrganisationStatus.PENDING
    org.save()
    visitor, member = Client(), Client()
    member.force_login(people["member"])
    assert visitor.get(build.get_absolute_url()).status_code == 404
    assert visitor.get("/designs/banc/").status_code == 404
    assert visitor.get("/api/v1/designs/banc/").status_code == 404
    assert "Banc secret" not in visitor.get("/designs/").content.decode()
    assert "Banc secret" not in str(visitor.get("/api/v1/designs/").json())
    assert f'id="build-{build.pk}"' not in visitor.get("/designs/pasteuriser/").content.decode()
    assert member.get(build.get_absolute_url()).status_code == 200
    assert member.get("/designs/banc/").status_code == 200


def test_a_build_deleted_meanwhile_is_a_clear_refusal(people: Any) -> None:
    build = _build(people, public=True, photos=0)
    stale = Build.objects.get(pk=build.pk)
    delete_build(people["admin"], build)
    with pytest.raises(ValidationError) as error:
        update_build(people["admin"], stale, BuildInput(title="X", built_on=stale.built_on))
    assert "n’existe plus" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        delete_build(people["admin"], stale)

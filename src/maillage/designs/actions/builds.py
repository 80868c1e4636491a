"""Writes of builds: record one (members of the organisation), edit or delete it (its admins),
add photos (checked by their first bytes: JPEG, PNG or WebP up to 5 MB)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.dates import local_today
from maillage.core.locks import lock
from maillage.core.validators import single_line_errors
from maillage.designs.models import Build, BuildPhoto, Design
from maillage.designs.queries.builds import can_edit_build, can_record_build
from maillage.directory.models import Organisation, OrganisationStatus, User

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 12
MAX_TEXT = 8000
# The first bytes of the image formats accepted (no image library is installed).
IMAGE_MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass
class BuildInput:
    title: str
    built_on: dt.date
    description: str = ""
    variations: str = ""
    is_public: bool = True


def image_kind(upload: UploadedFile) -> str:
    """The image's type from its first bytes ("jpg", "png" or "webp"), else a ValidationError."""
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("%(name)s is over 5 MB: send a smaller photo.") % {"name": upload.name}
        )
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    for magic, kind in IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    raise ValidationError(
        _("%(name)s is not a JPEG, PNG or WebP image.") % {"name": upload.name or "?"}
    )


def _check(data: BuildInput, photos: Sequence[UploadedFile], existing: int = 0) -> None:
    errors: dict[str, list[str]] = single_line_errors(title=data.title)
    if not data.title.strip():
        errors.setdefault("title", []).append(_("Give the build a title."))
    if data.built_on > local_today():
        errors["built_on"] = [_("A build is recorded once made: the date cannot be ahead.")]
    for name in ("description", "variations"):
        if len(getattr(data, name)) > MAX_TEXT:
            errors[name] = [_("Keep it under 8,000 characters.")]
    if existing + len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("At most %(n)s photos per build.") % {"n": MAX_PHOTOS}]
    else:
        for photo in photos:
            try:
                image_kind(photo)
            except ValidationError as exc:
                errors.setdefault("photos", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _save_photos(build: Build, photos: Sequence[UploadedFile], captions: Sequence[str]) -> None:
    for i, photo in enumerate(photos):
        caption = captions[i].strip()[:200] if i < len(captions) else ""
        # A random name: not guessable, and never the same twice across batches.
        photo.name = f"{uuid4().hex}.{image_kind(photo)}"
        BuildPhoto.objects.create(build=build, image=photo, caption=caption)


def record_build(
    actor: User,
    design: Design,
    organisation: Organisation,
    data: BuildInput,
    photos: Sequence[UploadedFile] = (),
    captions: Sequence[str] = (),
) -> Build:
    if organisation.status != OrganisationStatus.VALIDATED:
        raise PermissionDenied(
            _(
                "%(name)s is not validated yet: it records builds once a coordinator has "
                "validated it."
            )
            % {"name": organisation.name}
        )
    if not can_record_build(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members can record its builds."))
    _check(data, photos)
    with transaction.atomic():
        build = Build.objects.create(
            design=design,
            organisation=organisation,
            title=data.title.strip(),
            built_on=data.built_on,
            description=data.description.strip(),
            variations=data.variations.strip(),
            is_public=data.is_public,
            created_by=actor,
        )
        _save_photos(build, photos, captions)
    return build


def update_build(
    actor: User,
    build: Build,
    data: BuildInput,
    photos: Sequence[UploadedFile] = (),
    captions: Sequence[str] = (),
) -> Build:
    if not can_edit_build(actor, build):
        raise PermissionDenied(_("Only the organisation's admins can change its builds."))
    with transaction.atomic():
        locked = _lock(build)
        _check(data, photos, existing=locked.photos.count())
        locked.title = data.title.strip()
        locked.built_on = data.built_on
        locked.description = data.description.strip()
        locked.variations = data.variations.strip()
        locked.is_public = data.is_public
        locked.save()
        _save_photos(locked, photos, captions)
    return locked


def delete_build(actor: User, build: Build) -> None:
    if not can_edit_build(actor, build):
        raise PermissionDenied(_("Only the organisation's admins can delete its builds."))
    with transaction.atomic():
        locked = _lock(build)
        photos = list(BuildPhoto.objects.filter(build=locked))
        locked.delete()
        # Files go once the rows are gone for good.
        transaction.on_commit(lambda: _delete_files(photos))


def _lock(build: Build) -> Build:
    """The build's row, locked; a ValidationError when someone deleted it meanwhile."""
    locked = lock(build)
    if locked is None:
        raise ValidationError(
            _("This build no longer exists: it was deleted meanwhile."), code="gone"
        )
    return locked


def _delete_files(photos: list[BuildPhoto]) -> None:
    for photo in photos:
        photo.image.delete(save=False)

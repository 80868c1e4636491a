"""Import an Open Know-How manifest as a design, all or nothing; re-importing updates it.

A design is found again by its repository (else by its slug): the re-import rewrites its
fields and parts (matched by name) and the processes the manifest gives, and keeps every hand
correction of a part's processes (`PartProcess.source = manual`): a part corrected by hand keeps
exactly its corrected processes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from maillage.designs import fetch, okh, processes
from maillage.designs.models import Design, DesignPart, PartProcess, ProcessSource
from maillage.designs.queries import designs as queries
from maillage.directory.models import Organisation, User
from maillage.equipment.models import Process

MAX_MANIFEST_BYTES = fetch.MAX_BYTES
# The manifest's names of the design's fields, to name them in errors.
MANIFEST_FIELDS = {
    "name": "name",
    "version": "version",
    "licence": "license",
    "licensor": "licensor",
    "repository": "repo",
    "documentation_language": "documentation-language",
    "image_url": "image",
    "okh_version": "okhv",
}


def read_manifest(data: bytes) -> okh.Manifest:
    """The manifest in these bytes; a `ValidationError` naming the line when it cannot be read."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ValidationError(_("The manifest is larger than 1 MB."), code="too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The manifest is not UTF-8 text (byte %(position)s).") % {"position": error.start},
            code="encoding",
        ) from error
    if "\x00" in text:
        raise ValidationError(_("The manifest holds a NUL character."), code="nul")
    try:
        return okh.parse_manifest(text)
    except okh.ManifestError as error:
        raise ValidationError(error.message.format(gettext), code="manifest") from error


def import_from_url(actor: User, organisation: Organisation, url: str) -> Design:
    """Fetch a manifest from a public address (never an internal one) and import it."""
    _check_publisher(actor, organisation)
    try:
        data = fetch.fetch(url)
    except fetch.FetchError as error:
        raise ValidationError(error.message.format(gettext), code="fetch") from error
    return import_manifest(actor, organisation, data, source_url=url)


def _check_publisher(actor: User, organisation: Organisation) -> None:
    if not queries.is_validated(organisation):
        raise PermissionDenied(
            _(
                "%(name)s is not validated yet: it publishes designs once a coordinator has "
                "validated it."
            )
            % {"name": organisation.name}
        )
    if not queries.can_import(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members may publish its designs."))


def _absolute(link: str, repository: str) -> str:
    """An image path relative to the repository, as an address a browser can open."""
    if not link:
        return ""
    if urlsplit(link).scheme in ("http", "https"):
        return link if _valid_url(link) else ""
    if urlsplit(repository).scheme not in ("http", "https"):
        return ""
    path = link.lstrip("/")
    base = repository.rstrip("/")
    host = urlsplit(base).netloc.lower()
    if host == "github.com":
        url = f"{base.replace('github.com', 'raw.githubusercontent.com', 1)}/HEAD/{path}"
    elif host == "gitlab.com" or host.startswith("gitlab."):
        url = f"{base}/-/raw/HEAD/{path}"
    else:
        url = f"{base}/raw/HEAD/{path}"
    return url if _valid_url(url) else ""


def _valid_url(url: str) -> bool:
    """An image address the design can keep; a manifest's odd path is dropped, not an error."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return len(url) <= 500


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "design"
    slug, number = base, 2
    while Design.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _existing(manifest: okh.Manifest) -> Design | None:
    if manifest.repository:
        found = (
            Design.objects.select_for_update()
            .filter(repository=manifest.repository[:500])
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    found = Design.objects.select_for_update().filter(slug=slugify(manifest.name)[:70]).first()
    if found and found.repository and manifest.repository:
        return None  # another design of the same name, from another repository
    return found


def import_manifest(
    actor: User, organisation: Organisation, data: bytes, *, source_url: str = ""
) -> Design:
    _check_publisher(actor, organisation)
    manifest = read_manifest(data)
    _check_lengths(manifest)
    try:
        return _save(actor, organisation, manifest, data, source_url)
    except IntegrityError as error:  # another import took the same slug at the same moment
        raise ValidationError(
            _("This design was being imported at the same moment; send it again."),
            code="concurrent",
        ) from error


def _save(
    actor: User, organisation: Organisation, manifest: okh.Manifest, data: bytes, source_url: str
) -> Design:
    with transaction.atomic():
        # One import at a time per organisation: a second one waits, then finds the design.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        design = _existing(manifest)
        if design is not None and not queries.can_update(actor, design):
            raise PermissionDenied(
                _("This design is already published by another organisation: %(name)s.")
                % {"name": design.organisation.name if design.organisation else "—"}
            )
        if design is None:
            design = Design(
                slug=_unique_slug(manifest.name), organisation=organisation, created_by=actor
            )
        design.name = manifest.name[:200]
        design.version = manifest.version[:60]
        design.function = manifest.function
        design.licence = manifest.licence[:120]
        design.licensor = manifest.licensor[:200]
        design.repository = manifest.repository[:500]
        design.documentation_language = manifest.documentation_language[:20]
        design.image_url = _absolute(manifest.image, manifest.repository)
        design.okh_version = manifest.okh_version[:40]
        design.manifest = data.decode("utf-8-sig")
        design.source_url = source_url[:500]
        try:
            design.full_clean(exclude=["slug"] if design.pk else None)
        except ValidationError as error:
            raise ValidationError(
                [
                    f"{MANIFEST_FIELDS.get(name, name)}: {message}"
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            ) from error
        design.save()
        _save_parts(design, manifest)
    return design


def _scheme(url: str, key: str) -> str:
    """The address's scheme; a ValidationError naming the field when it cannot be read."""
    try:
        return urlsplit(url).scheme
    except ValueError as error:  # e.g. "http://[abc": an unclosed IPv6 host
        raise ValidationError(
            _("The field '%(key)s' is not a valid address.") % {"key": key},
            code=key,
        ) from error


def _check_lengths(manifest: okh.Manifest) -> None:
    _scheme(manifest.image, "image")
    if _scheme(manifest.repository, "repo") not in ("", "http", "https"):
        raise ValidationError(_("The field 'repo' must be an http or https address."), code="repo")
    for number, part in enumerate(manifest.parts, start=1):
        if len(part.name) > 200:
            raise ValidationError(
                _("Part %(number)s: its name is longer than 200 characters.") % {"number": number}
            )
        if len(" ".join(part.tsdc)) > 120 or len(part.material) > 200:
            raise ValidationError(
                _("Part %(number)s (%(name)s): its codes or material are too long.")
                % {"number": number, "name": part.name}
            )


def _save_parts(design: Design, manifest: okh.Manifest) -> None:
    existing = {part.name: part for part in design.parts.all()}
    codes = {
        code
        for part in manifest.parts
        for code in processes.process_codes(part.tsdc, part.material, part.dimensions_mm)
    }
    by_code = {p.code: p for p in Process.objects.filter(code__in=codes)}
    kept: list[int] = []
    for position, item in enumerate(manifest.parts):
        part = existing.pop(item.name, None) or DesignPart(design=design)
        if part.pk in kept:  # two parts of the same name: the second is a new row
            part = DesignPart(design=design)
        size = item.dimensions_mm or (None, None, None)
        part.position = position
        part.name = item.name
        part.quantity = item.quantity
        part.tsdc = " ".join(item.tsdc)
        part.material_text = item.material
        part.material = processes.material_family(item.material)
        part.mass_g = item.mass_g
        part.size_x_mm, part.size_y_mm, part.size_z_mm = size
        part.off_the_shelf = processes.is_off_the_shelf(item.tsdc)
        part.source_file = item.source[:500]
        part.save()
        kept.append(part.pk)
        manual = part.processes.filter(source=ProcessSource.MANUAL)
        part.processes.filter(source=ProcessSource.MANIFEST).delete()
        if manual.exists():
            continue
        wanted = processes.process_codes(item.tsdc, item.material, item.dimensions_mm)
        PartProcess.objects.bulk_create(
            PartProcess(part=part, process=by_code[code], source=ProcessSource.MANIFEST)
            for code in wanted
            if code in by_code
        )
    DesignPart.objects.filter(design=design).exclude(pk__in=kept).delete()

"""Writes to organisations: create (with their first sites), change, moderate."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.core.text import slugify_ascii
from maillage.core.validators import single_line_errors
from maillage.directory import permissions, tasks
from maillage.directory.actions.sites import (
    SiteInput,
    authored,
    prefix_errors,
    refresh_search_text,
    save_site,
)
from maillage.directory.models import (
    FieldOfAction,
    Membership,
    NafCode,
    Organisation,
    OrganisationField,
    OrganisationKind,
    OrganisationStatus,
    Role,
    Site,
    User,
)
from maillage.directory.reference import NAF_VERSION


@dataclass
class OrganisationInput:
    name: str
    kind: str
    description: str = ""
    website: str = ""
    contact_email: str = ""
    naf_code: str = ""
    fields: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationInput:
        """The organisation as it is saved: the base that an edit changes."""
        return cls(
            name=organisation.name,
            kind=organisation.kind,
            description=organisation.description,
            website=organisation.website,
            contact_email=organisation.contact_email,
            naf_code=organisation.naf.code if organisation.naf else "",
            fields=organisation.field_codes(),
        )


# --- organisations -----------------------------------------------------------------------


def create_organisation(
    actor: User, data: OrganisationInput, sites: list[SiteInput] | None = None
) -> Organisation:
    """A new organisation, pending validation, with its creator as admin."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to create an organisation."))
    with transaction.atomic():
        organisation = Organisation(created_by=actor)
        # The audit trail's author, also when the call comes from a token (no request user).
        organisation._history_user = actor  # type: ignore[attr-defined]
        _apply_organisation(organisation, data)
        organisation.slug = _unique_slug(data.name)
        if permissions.is_coordinator(actor):
            organisation.status = OrganisationStatus.VALIDATED
            organisation.moderated_by = actor
            organisation.moderated_at = timezone.now()
        organisation.save()
        _set_fields(organisation, data.fields)
        Membership.objects.create(user=actor, organisation=organisation, role=Role.ADMIN)
        for index, site_data in enumerate(sites or []):
            try:
                save_site(authored(Site(organisation=organisation), actor), site_data)
            except ValidationError as exc:
                prefix = f"sites[{index}]." if len(sites or []) > 1 else ""
                raise prefix_errors(exc, prefix) from None
        refresh_search_text(organisation)
        if organisation.status == OrganisationStatus.PENDING:
            enqueue_in_transaction(tasks.notify_new_organisation, organisation.pk)
    return organisation


def update_organisation(
    actor: User, organisation: Organisation, data: OrganisationInput
) -> Organisation:
    if not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins can edit its profile."))
    with transaction.atomic():
        organisation._history_user = actor  # type: ignore[attr-defined]
        _apply_organisation(organisation, data)
        organisation.save()
        _set_fields(organisation, data.fields)
        refresh_search_text(organisation)
    return organisation


def _apply_organisation(organisation: Organisation, data: OrganisationInput) -> None:
    errors: dict[str, list[str]] = single_line_errors(
        name=data.name, website=data.website, contact_email=data.contact_email
    )
    name = data.name.strip()
    if not name:
        errors.setdefault("name", []).append(_("The name cannot be empty."))
    if data.kind not in OrganisationKind.values:
        errors.setdefault("kind", []).append(
            _("Unknown kind of organisation: %(kind)s.") % {"kind": data.kind}
        )
    unknown_fields = [f for f in data.fields if f not in FieldOfAction.values]
    if unknown_fields:
        errors.setdefault("fields", []).append(
            _("Unknown field of action: %(fields)s.") % {"fields": ", ".join(unknown_fields)}
        )
    naf = None
    if data.naf_code.strip():
        naf = NafCode.objects.filter(version=NAF_VERSION, code=data.naf_code.strip()).first()
        if naf is None:
            errors.setdefault("naf_code", []).append(
                _("Unknown NAF rev. 2 code: %(code)s (expected a code such as 25.62A).")
                % {"code": data.naf_code.strip()}
            )
    if data.website:
        try:
            URLValidator(schemes=["http", "https"])(data.website)
        except ValidationError:
            errors.setdefault("website", []).append(
                _("Enter a web address starting with https://.")
            )
    if data.contact_email:
        try:
            EmailValidator()(data.contact_email)
        except ValidationError:
            errors.setdefault("contact_email", []).append(_("Enter a valid e-mail address."))
    if errors:
        raise ValidationError(errors)
    organisation.name = name
    organisation.kind = data.kind
    organisation.description = data.description.strip()
    organisation.website = data.website.strip()
    organisation.contact_email = data.contact_email.strip()
    organisation.naf = naf
    organisation.full_clean(exclude=["slug", "search_text"])


def _set_fields(organisation: Organisation, codes: list[str]) -> None:
    wanted = set(codes)
    organisation.fields.exclude(field__in=wanted).delete()
    have = set(organisation.fields.values_list("field", flat=True))
    OrganisationField.objects.bulk_create(
        [OrganisationField(organisation=organisation, field=c) for c in sorted(wanted - have)]
    )


def _unique_slug(name: str) -> str:
    base = slugify_ascii(name)
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- moderation --------------------------------------------------------------------------


def moderate_organisation(
    actor: User,
    organisation: Organisation,
    status: str,
    reason: str = "",
    duplicate_of: Organisation | None = None,
) -> None:
    """A coordinator validates, refuses or flags an organisation as a possible duplicate."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators moderate the directory."))
    if status not in OrganisationStatus.values:
        raise ValidationError({"status": _("Unknown status: %(s)s.") % {"s": status}})
    reason = reason.strip()
    if status in (OrganisationStatus.REFUSED, OrganisationStatus.DUPLICATE) and not reason:
        raise ValidationError({"reason": _("Say why, so that the organisation can act on it.")})
    if status == OrganisationStatus.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == organisation.pk:
            raise ValidationError({"duplicate_of": _("Name the organisation this one duplicates.")})
    else:
        duplicate_of = None
    with transaction.atomic():
        organisation._history_user = actor  # type: ignore[attr-defined]
        organisation.status = status
        organisation.moderation_reason = reason
        organisation.duplicate_of = duplicate_of
        organisation.moderated_by = actor
        organisation.moderated_at = timezone.now()
        organisation.save()
        enqueue_in_transaction(tasks.notify_moderation, organisation.pk, status, reason)

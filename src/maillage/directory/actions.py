"""Every write to the directory: one function per user intent, one transaction each.

Callers (pages, API, commands) pass plain inputs; these functions check permissions,
validate, save and queue their notifications in the same transaction (the worker sends them:
a failed e-mail never undoes nor repeats a write). A ValidationError raised here
names the input field it concerns, and nothing of the call is left in the database.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.geo import GeoError, check_coordinates
from maillage.core.outbox import enqueue_in_transaction
from maillage.core.text import fold, slugify_ascii
from maillage.core.validators import single_line_errors
from maillage.directory import permissions, tasks
from maillage.directory.auth import hash_token
from maillage.directory.geocode import find_commune
from maillage.directory.models import (
    ApiToken,
    Commune,
    FieldOfAction,
    Invitation,
    Membership,
    MembershipState,
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
class SiteInput:
    name: str = ""
    address: str = ""
    postal_code: str = ""
    commune: str = ""
    country: str = "FR"
    latitude: float | None = None
    longitude: float | None = None
    is_main: bool = False

    @classmethod
    def of(cls, site: Site) -> SiteInput:
        """The site as it is saved: the base that an edit changes."""
        return cls(
            name=site.name,
            address=site.address,
            postal_code=site.postal_code,
            commune=site.commune.name if site.commune else site.city,
            country=site.country,
            latitude=site.latitude,
            longitude=site.longitude,
            is_main=site.is_main,
        )


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
                _save_site(_authored(Site(organisation=organisation), actor), site_data)
            except ValidationError as exc:
                prefix = f"sites[{index}]." if len(sites or []) > 1 else ""
                raise _prefix_errors(exc, prefix) from None
        refresh_search_text(organisation)
        if organisation.status == OrganisationStatus.PENDING:
            enqueue_in_transaction(tasks.notify_new_organisation, organisation.pk)
    return organisation


def update_organisation(actor: User, organisation: Organisation, data: OrganisationInput) -> None:
    if not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins can edit its profile."))
    with transaction.atomic():
        organisation._history_user = actor  # type: ignore[attr-defined]
        _apply_organisation(organisation, data)
        organisation.save()
        _set_fields(organisation, data.fields)
        refresh_search_text(organisation)


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


def refresh_search_text(organisation: Organisation) -> None:
    """Rebuild the folded text that the directory search looks into."""
    places = [s.place_name() for s in organisation.sites.select_related("commune")]
    text = " ".join([organisation.name, organisation.description, *places])
    Organisation.objects.filter(pk=organisation.pk).update(search_text=fold(text))
    organisation.search_text = fold(text)


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


# --- sites -------------------------------------------------------------------------------


def add_site(actor: User, organisation: Organisation, data: SiteInput) -> Site:
    if not permissions.can_edit_sites(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members can add a site."))
    with transaction.atomic():
        site = _save_site(_authored(Site(organisation=organisation), actor), data)
        refresh_search_text(organisation)
    return site


def update_site(actor: User, site: Site, data: SiteInput) -> Site:
    if not permissions.can_edit_sites(actor, site.organisation):
        raise PermissionDenied(_("Only the organisation's members can edit its sites."))
    with transaction.atomic():
        _save_site(_authored(site, actor), data)
        refresh_search_text(site.organisation)
    return site


def delete_site(actor: User, site: Site) -> None:
    if not permissions.can_edit_sites(actor, site.organisation):
        raise PermissionDenied(_("Only the organisation's members can remove its sites."))
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()
        # Machines (retired ones too) keep their site: they are moved or removed first.
        machines = site.machines.count()
        if machines:
            raise ValidationError(
                ngettext(
                    "This site still has %(n)d machine: move it to another site or remove it "
                    "first.",
                    "This site still has %(n)d machines: move them to another site or remove "
                    "them first.",
                    machines,
                )
                % {"n": machines},
                code="protected",
            )
        organisation = site.organisation
        _authored(site, actor).delete()
        refresh_search_text(organisation)


def _authored(site: Site, actor: User) -> Site:
    """Name the author for the audit trail, also when the call comes from a token."""
    site._history_user = actor  # type: ignore[attr-defined]
    return site


def _save_site(site: Site, data: SiteInput) -> Site:
    """Locate the site (commune found offline, or coordinates given) and save it."""
    errors: dict[str, list[str]] = single_line_errors(
        name=data.name,
        address=data.address,
        postal_code=data.postal_code,
        commune=data.commune,
        country=data.country,
    )
    country = (data.country or "FR").strip().upper()
    if "country" not in errors and (len(country) != 2 or not country.isalpha()):
        errors["country"] = [_("Use a two-letter country code such as FR.")]
    lat, lon = data.latitude, data.longitude
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        errors[missing] = [_("Give both latitude and longitude, or neither.")]
    if lat is not None and not (math.isfinite(lat) and -90 <= lat <= 90):
        errors["latitude"] = [_("Latitude must be between -90 and 90.")]
    if lon is not None and not (math.isfinite(lon) and -180 <= lon <= 180):
        errors["longitude"] = [_("Longitude must be between -180 and 180.")]
    commune = None
    if country == "FR" and not errors:
        commune = find_commune(data.commune, data.postal_code.strip())
        typed = " ".join(filter(None, [data.postal_code.strip(), data.commune.strip()]))
        if commune is None and typed and lat is None:
            errors["commune"] = [
                _("No French commune matches “%(text)s”. Check the spelling or the postal code.")
                % {"text": typed}
            ]
        elif commune is None and lat is None:
            errors["commune"] = [
                _("Give a commune or a postal code, or place the site on the map.")
            ]
    elif country != "FR" and lat is None and "country" not in errors:
        errors["latitude"] = [_("Outside France, give the site's latitude and longitude.")]
    if errors:
        raise ValidationError(errors)
    if lat is None or lon is None:
        assert commune is not None
        lat, lon = commune.latitude, commune.longitude
    try:
        check_coordinates(lat, lon)
    except GeoError as exc:  # pragma: no cover - ranges are checked above
        raise ValidationError({"latitude": [str(exc)]}) from None
    site.name = data.name.strip()
    site.address = data.address.strip()
    site.postal_code = data.postal_code.strip()
    site.country = country
    site.commune = commune
    site.city = commune.name if commune else data.commune.strip()
    site.department_id = commune.department_id if commune else None
    site.latitude, site.longitude = round(lat, 6), round(lon, 6)
    site.is_main = data.is_main or not site.organisation.sites.exclude(pk=site.pk).exists()
    site.full_clean(exclude=["organisation"])
    site.save()
    if site.is_main:
        site.organisation.sites.exclude(pk=site.pk).filter(is_main=True).update(is_main=False)
    return site


def _prefix_errors(exc: ValidationError, prefix: str) -> ValidationError:
    if not prefix or not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({prefix + k: v for k, v in exc.error_dict.items()})


# --- people ------------------------------------------------------------------------------


def invite_member(actor: User, organisation: Organisation, email: str, role: str) -> Invitation:
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins can invite colleagues."))
    email = email.strip().lower()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    # Only the e-mail carries the secret: the worker makes it when it sends (so no clear secret
    # ever sits in the task queue) and the database keeps its hash.
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=actor,
            token_hash=hash_token(secrets.token_urlsafe(32)),
        )
        enqueue_in_transaction(tasks.send_invitation, invitation.pk)
    return invitation


def open_invitation(token: str) -> Invitation | None:
    """The not yet accepted invitation whose e-mailed secret is `token`."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token), accepted_at__isnull=True)
        .first()
    )


def accept_invitation(user: User, token: str) -> Membership:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=hash_token(token), accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise ValidationError({"token": _("This invitation is unknown or already used.")})
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organisation=invitation.organisation,
            defaults={"role": invitation.role},
        )
        if membership.state != MembershipState.ACTIVE:
            membership.state = MembershipState.ACTIVE
            membership.role = invitation.role
            membership.save()
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save()
    return membership


def request_membership(user: User, organisation: Organisation) -> Membership:
    """A signed-in person asks to join; an admin of the organisation approves."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to join an organisation."))
    if not organisation.is_public:
        raise PermissionDenied(_("This organisation is not open to requests yet."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organisation=organisation, state=MembershipState.REQUESTED
            )
            enqueue_in_transaction(tasks.notify_membership_request, membership.pk)
    except IntegrityError:
        raise ValidationError(
            _("You already belong to or asked to join this organisation.")
        ) from None
    return membership


def approve_membership(actor: User, membership: Membership) -> None:
    if not permissions.can_manage_members(actor, membership.organisation):
        raise PermissionDenied(_("Only the organisation's admins can accept members."))
    with transaction.atomic():
        membership.state = MembershipState.ACTIVE
        membership.save(update_fields=["state"])


def remove_membership(actor: User, membership: Membership) -> None:
    is_self = actor.pk == membership.user_id
    if not is_self and not permissions.can_manage_members(actor, membership.organisation):
        raise PermissionDenied(_("Only the organisation's admins can remove members."))
    with transaction.atomic():
        admins = Membership.objects.select_for_update().filter(
            organisation=membership.organisation, role=Role.ADMIN, state=MembershipState.ACTIVE
        )
        if membership.role == Role.ADMIN and admins.count() <= 1:
            raise ValidationError(_("An organisation keeps at least one admin."))
        membership.delete()


def set_member_role(actor: User, membership: Membership, role: str) -> Membership:
    """An admin gives a colleague another role; the organisation always keeps one admin."""
    organisation = membership.organisation
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied(_("Only the organisation's admins can change roles."))
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    with transaction.atomic():
        # Admin rows first, in one order, so that two demotions cannot both pass the count.
        admins = list(
            Membership.objects.select_for_update()
            .filter(organisation=organisation, role=Role.ADMIN, state=MembershipState.ACTIVE)
            .order_by("pk")
        )
        locked = (
            Membership.objects.select_for_update()
            .filter(pk=membership.pk, organisation=organisation)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This person is no longer a member."))
        if not permissions.can_manage_members(actor, organisation):
            raise PermissionDenied(_("Only the organisation's admins can change roles."))
        if locked.role == role:
            return locked
        was_active_admin = locked.role == Role.ADMIN and locked.state == MembershipState.ACTIVE
        if was_active_admin and len(admins) <= 1:
            raise ValidationError({"role": _("An organisation keeps at least one admin.")})
        locked.role = role
        locked.save(update_fields=["role"])
    return locked


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the clear key is returned once and never stored."""
    if errors := single_line_errors(name=name):
        raise ValidationError(errors)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token, e.g. after the tool that will use it.")})
    key = "mlg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=hash_token(key)
        )
    return token, key


def sign_up(
    username: str, email: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Open an account for a person who signed up; the page has checked the password's strength."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("An account already uses this e-mail address.")})
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"username": _("A user with that username already exists.")}
            ) from None
    return user


def grant_coordinator(user: User) -> None:
    """Make a person a network coordinator: moderation pages and the directory's admin."""
    from django.contrib.auth.models import Group, Permission

    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name="coordinators")
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=["directory"]))
        user.is_coordinator = True
        user.is_staff = True
        user.save(update_fields=["is_coordinator", "is_staff"])
        user.groups.add(group)


# --- imports from other directories ------------------------------------------------------


@dataclass(frozen=True)
class ImportedPlace:
    """Where an imported organisation's one site is: coordinates and commune already found."""

    latitude: float
    longitude: float
    country: str
    city: str
    postal_code: str
    address: str
    commune: Commune | None


# Checks the import leaves to the database: each would cost one query per organisation.
_IMPORT_UNCHECKED = ["search_text", "created_by", "moderated_by", "duplicate_of", "naf"]


def save_imported_organisation(
    actor: User,
    organisation: Organisation | None,
    *,
    slug: str,
    kind: str,
    name: str,
    website: str,
    description: str,
    place: ImportedPlace,
) -> tuple[Organisation, str, str]:
    """Create an imported organisation, published, or update what its source owns.

    `organisation` is the one found by `slug` before (None to create it). Returns it with what
    happened to it and to its main site: "created", "updated" or "unchanged".
    """
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators import the fablabs.io directory."))
    with transaction.atomic():
        org_state = "updated"
        if organisation is None:
            organisation, org_state = (
                Organisation(
                    slug=slug,
                    kind=kind,
                    status=OrganisationStatus.VALIDATED,
                    created_by=actor,
                    moderated_by=actor,
                    moderated_at=timezone.now(),
                ),
                "created",
            )
        elif (organisation.name, organisation.website, organisation.description) == (
            name,
            website,
            description,
        ):
            org_state = "unchanged"
        if org_state != "unchanged":
            organisation.name, organisation.website = name, website
            organisation.description = description
            organisation._history_user = actor  # type: ignore[attr-defined]
            # The slug is the importer's and known unique; the database enforces the rest.
            organisation.full_clean(
                exclude=_IMPORT_UNCHECKED, validate_unique=False, validate_constraints=False
            )
            organisation.save()
        site_state = _save_imported_site(actor, organisation, place)
        if (org_state, site_state) != ("unchanged", "unchanged"):
            refresh_search_text(organisation)
    return organisation, org_state, site_state


def _save_imported_site(actor: User, organisation: Organisation, place: ImportedPlace) -> str:
    """The organisation's main site: created, or its place updated; its name is not the source's."""
    site = organisation.sites.order_by("-is_main", "pk").first()
    values: dict[str, object] = {
        "address": place.address,
        "postal_code": place.postal_code,
        "commune_id": place.commune.pk if place.commune else None,
        "city": place.city,
        "country": place.country,
        "department_id": place.commune.department_id if place.commune else None,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }
    state = "updated"
    if site is None:
        site, state = Site(organisation=organisation, is_main=True), "created"
    elif all(getattr(site, k) == v for k, v in values.items()):
        return "unchanged"
    for key, value in values.items():
        setattr(site, key, value)
    _authored(site, actor).full_clean(exclude=["organisation"], validate_constraints=False)
    site.save()
    return state

"""Every write about skills: the listing consent, adding, editing and deleting one's skills."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation.models import Skill, SkillConsent, SkillLevel, SkillVisibility
from maillage.core.validators import single_line_errors
from maillage.directory.geocode import find_commune
from maillage.directory.models import (
    Commune,
    Membership,
    MembershipState,
    Organisation,
    Site,
    User,
)
from maillage.equipment.models import Process

MAX_SKILLS = 50


@dataclass
class SkillInput:
    label: str
    process_code: str = ""
    level: str = SkillLevel.CONFIRMED
    can_repair: bool = False
    can_teach: bool = False
    site_id: int | None = None
    commune: str = ""
    organisation_slug: str = ""
    visibility: str = SkillVisibility.MEMBERS
    consent: bool = False


def _signed_in(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Sign in to list your skills."))


def has_consent(user: User) -> bool:
    return SkillConsent.objects.filter(user=user, given_at__isnull=False).exists()


def give_consent(user: User) -> SkillConsent:
    """The person ticks "list my skills": the date is kept, listing starts now."""
    _signed_in(user)
    with transaction.atomic():
        consent, _created = SkillConsent.objects.select_for_update().get_or_create(user=user)
        if consent.given_at is None:
            consent.given_at = timezone.now()
            consent.withdrawn_at = None
            consent.save(update_fields=["given_at", "withdrawn_at"])
        return consent


def withdraw_consent(user: User) -> SkillConsent:
    """Withdrawn: none of the person's skills is listed any more, from this very moment."""
    _signed_in(user)
    with transaction.atomic():
        consent, _created = SkillConsent.objects.select_for_update().get_or_create(user=user)
        consent.given_at = None
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["given_at", "withdrawn_at"])
        return consent


def _my_organisations(user: User) -> list[int]:
    return list(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def _resolve_place(
    user: User, data: SkillInput, errors: dict[str, list[str]]
) -> tuple[Organisation | None, Site | None, Commune | None]:
    """The organisation, site or commune the person is based at (errors added by field)."""
    mine = _my_organisations(user)
    organisation = None
    if data.organisation_slug:
        organisation = Organisation.objects.filter(slug=data.organisation_slug, pk__in=mine).first()
        if organisation is None:
            errors["organisation"] = [_("Choose one of your own organisations.")]
    if data.site_id is not None:
        site = (
            Site.objects.filter(pk=data.site_id, organisation_id__in=mine)
            .select_related("organisation")
            .first()
        )
        if site is None:
            errors["site"] = [_("Choose one of your organisations' sites.")]
        elif organisation is not None and site.organisation_id != organisation.pk:
            errors["site"] = [_("This site belongs to another organisation.")]
        else:
            return site.organisation, site, None
        return organisation, None, None
    if data.commune.strip():
        commune = find_commune(data.commune.strip()[:200])
        if commune is None:
            errors["commune"] = [_("No commune found for “%(p)s”.") % {"p": data.commune[:200]}]
        if organisation is None and len(mine) == 1:
            # One organisation: it is the contact people go through.
            organisation = Organisation.objects.filter(pk=mine[0]).first()
        return organisation, None, commune
    errors["site"] = [_("Say where you are based: one of your sites or a commune.")]
    return organisation, None, None


def _resolve(user: User, data: SkillInput) -> dict[str, object]:
    """Check every field and return the model values; ValidationError names the fields."""
    errors: dict[str, list[str]] = single_line_errors(
        label=data.label, commune=data.commune, process=data.process_code
    )
    label = data.label.strip()
    if not label:
        errors["label"] = [_("Name the skill.")]
    elif len(label) > 200:
        errors["label"] = [_("At most %(n)s characters.") % {"n": 200}]
    process = None
    if data.process_code:
        process = Process.objects.filter(code=data.process_code).first()
        if process is None:
            errors["process"] = [_("Unknown process code: %(c)s.") % {"c": data.process_code}]
    if data.level not in SkillLevel.values:
        errors["level"] = [_("Choose a level: beginner, confirmed or expert.")]
    if data.visibility not in SkillVisibility.values:
        errors["visibility"] = [_("Choose who may see this skill.")]
    organisation, site, commune = _resolve_place(user, data, errors)
    if (
        data.visibility != SkillVisibility.HIDDEN
        and not data.consent
        and not has_consent(user)
        and "visibility" not in errors
    ):
        errors["consent"] = [
            _("Tick the consent box to list this skill, or keep it hidden for yourself.")
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "label": label,
        "process": process,
        "level": data.level,
        "can_repair": data.can_repair,
        "can_teach": data.can_teach,
        "organisation": organisation,
        "site": site,
        "commune": commune,
        "visibility": data.visibility,
    }


def add_skill(user: User, data: SkillInput) -> Skill:
    _signed_in(user)
    values = _resolve(user, data)
    with transaction.atomic():
        # The person's consent row is the lock: two adds at once cannot pass the cap together.
        SkillConsent.objects.get_or_create(user=user)
        SkillConsent.objects.select_for_update().get(user=user)
        if Skill.objects.filter(user=user).count() >= MAX_SKILLS:
            raise ValidationError({"label": _("At most %(n)s skills.") % {"n": MAX_SKILLS}})
        if data.consent:
            give_consent(user)
        return Skill.objects.create(user=user, **values)


def update_skill(user: User, skill: Skill, data: SkillInput) -> Skill:
    _signed_in(user)
    if skill.user_id != user.pk:
        raise PermissionDenied(_("This is not your skill."))
    values = _resolve(user, data)
    with transaction.atomic():
        locked = Skill.objects.select_for_update().filter(pk=skill.pk, user=user).first()
        if locked is None:
            raise ValidationError(_("This skill no longer exists."))
        if data.consent:
            give_consent(user)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        return locked


def delete_skill(user: User, skill: Skill) -> None:
    _signed_in(user)
    if skill.user_id != user.pk:
        raise PermissionDenied(_("This is not your skill."))
    with transaction.atomic():
        Skill.objects.filter(pk=skill.pk, user=user).delete()

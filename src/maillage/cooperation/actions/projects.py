"""Collective projects: create and edit a project (refused on an older version), move its stage,
add and remove partners, needs and milestones, and start a project from unmet searches.

The lead organisation's admins and the coordinators do all of it. Every change locks the
project's row and reads it again first; a stage move re-checks the stage it starts from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.cooperation import portfolio
from maillage.cooperation.models import (
    Milestone,
    NeedKind,
    Project,
    ProjectNeed,
    ProjectPartner,
    ProjectStage,
    ProjectTheme,
)
from maillage.cooperation.queries import projects as queries
from maillage.cooperation.queries.network import current_network
from maillage.core.locks import lock_existing
from maillage.directory import permissions
from maillage.directory.models import Commune, Organisation, OrganisationStatus, User
from maillage.equipment.models import Machine, Process
from maillage.matching.models import Need

MAX_BUDGET = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("99999999.99")


class VersionConflict(ValidationError):
    """The project changed between the editor's read and the save (the API answers 409)."""


def _check_edit(user: Any, project: Project) -> None:
    if not queries.can_edit(user, project):
        raise PermissionDenied(
            _("Only the lead organisation's admins and the coordinators may do this.")
        )


def _lock_editable(user: Any, project: Project) -> Project:
    """Inside a transaction: lock the project's row, read it again and check the edit right on
    it as it is now (the lead may have been handed over since the caller read it)."""
    current = lock_existing(project)
    _check_edit(user, current)
    return current


@dataclass(frozen=True)
class ProjectInput:
    title: str
    theme: str
    lead: Organisation | None
    summary: str = ""
    budget: object = "0"
    commune: Commune | None = None
    is_public: bool = True


def _clean(user: Any, data: ProjectInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = data.title.strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most 200 characters.")
    if data.theme not in ProjectTheme.values:
        errors["theme"] = _("Choose one of the themes.")
    if data.lead is None:
        errors["lead"] = _("Choose the lead organisation.")
    elif data.lead.status != OrganisationStatus.VALIDATED:
        errors["lead"] = _("Only a validated organisation may lead a project.")
    elif not queries.leadable_organisations(user).filter(pk=data.lead.pk).exists():
        errors["lead"] = _("You may only name an organisation you are an admin of.")
    try:
        budget = Decimal(str(data.budget).replace(",", ".").replace(" ", "").replace("\xa0", ""))
        if not budget.is_finite() or budget < 0 or budget > MAX_BUDGET:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["budget"] = _("Give an amount in euros, 0 or more.")
        budget = Decimal("0")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "theme": data.theme,
        "lead": data.lead,
        "summary": data.summary.strip(),
        "budget": budget.quantize(Decimal("0.01")),
        "commune": data.commune,
        "is_public": bool(data.is_public),
    }


def _unique_slug(title: str) -> str:
    base = (slugify(title) or "projet")[:70]
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_project(user: User, data: ProjectInput, stage: str = ProjectStage.IDEA) -> Project:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to create a project."))
    cleaned = _clean(user, data)
    network = current_network()
    if network is None:
        raise ValidationError(_("The network is not set up yet: a coordinator creates it first."))
    for _attempt in range(5):
        try:
            # Two projects of the same title created at once: the second takes the next slug.
            with transaction.atomic():
                return Project.objects.create(
                    network=network,
                    slug=_unique_slug(cleaned["title"]),
                    stage=stage,
                    created_by=user,
                    **cleaned,
                )
        except IntegrityError:
            continue
    raise ValidationError({"title": _("Another project is being created with this title.")})


def _conflict(current: Project) -> VersionConflict:
    return VersionConflict(
        {
            "version": _(
                "Someone saved this project meanwhile (version %(now)s): reload the page, "
                "your changes were not saved."
            )
            % {"now": current.version}
        }
    )


def update_project(user: User, project: Project, data: ProjectInput, version: int) -> Project:
    """Save the edit made on `version`; refused if the project was saved since."""
    _check_edit(user, project)
    # Handing the lead over: the new lead must be one the editor may name too.
    cleaned = _clean(user, data)
    with transaction.atomic():
        current = _lock_editable(user, project)
        if current.version != version:
            raise _conflict(current)
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
    return current


def move_stage(user: User, project: Project, from_stage: str, to_stage: str) -> Project:
    """Move the project from the stage the mover saw to the next or previous one."""
    _check_edit(user, project)
    if to_stage not in ProjectStage.values:
        raise ValidationError({"stage": _("Choose one of the stages.")})
    with transaction.atomic():
        current = _lock_editable(user, project)
        if current.stage != from_stage:
            raise VersionConflict(
                {
                    "stage": _("The project is already at the stage “%(stage)s”.")
                    % {"stage": current.get_stage_display()}
                }
            )
        if not portfolio.can_move(current.stage, to_stage):
            raise ValidationError(
                {"stage": _("A project moves one stage at a time, forward or back.")}
            )
        current.stage = to_stage
        current.version = F("version") + 1
        current.save(update_fields=["stage", "version", "updated_at"])
        current.refresh_from_db()
    return current


def _touch(project: Project) -> None:
    """Inside the lock: the project's version goes up with every change to its parts."""
    Project.objects.filter(pk=project.pk).update(version=F("version") + 1)


def add_partner(user: User, project: Project, organisation: Organisation, role: str = "") -> Any:
    _check_edit(user, project)
    if organisation.status != OrganisationStatus.VALIDATED:
        raise ValidationError(
            {"organisation": _("Only a validated organisation may be a partner.")}
        )
    with transaction.atomic():
        current = _lock_editable(user, project)
        if organisation.pk == current.lead_id:
            raise ValidationError({"organisation": _("The lead organisation is already in.")})
        if current.partners.filter(organisation=organisation).exists():
            raise ValidationError(
                {"organisation": _("This organisation is already a partner of the project.")}
            )
        partner = ProjectPartner.objects.create(
            project=current, organisation=organisation, role=role.strip()[:200]
        )
        _touch(current)
    return partner


def remove_partner(user: User, partner: ProjectPartner) -> None:
    _check_edit(user, partner.project)
    with transaction.atomic():
        lock_existing(partner.project)
        ProjectPartner.objects.filter(pk=partner.pk).delete()
        _touch(partner.project)


@dataclass(frozen=True)
class NeedInput:
    kind: str
    label: str = ""
    machine: Machine | None = None
    process: Process | None = None
    quantity: object = None
    is_met: bool = False


def _clean_need(data: NeedInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.kind not in NeedKind.values:
        errors["kind"] = _("Choose machine, process, skill or resource.")
    if data.kind == NeedKind.MACHINE and data.machine is None:
        errors["machine"] = _("Choose the machine.")
    if data.kind == NeedKind.PROCESS and data.process is None:
        errors["process"] = _("Choose the process.")
    label = data.label.strip()[:200]
    if not label:
        label = (
            data.machine.name
            if data.machine is not None
            else str(data.process.label)
            if data.process is not None
            else ""
        )
    if not label:
        errors["label"] = _("Say what is needed.")
    quantity = None
    if data.quantity not in (None, ""):
        try:
            quantity = Decimal(str(data.quantity).replace(",", "."))
            if not quantity.is_finite() or quantity < 0 or quantity > MAX_QUANTITY:
                raise InvalidOperation
            quantity = quantity.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["quantity"] = _("Give a number, 0 or more.")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "label": label,
        "machine": data.machine if data.kind == NeedKind.MACHINE else None,
        "process": data.process if data.kind in (NeedKind.PROCESS, NeedKind.MACHINE) else None,
        "quantity": quantity,
        "is_met": bool(data.is_met),
    }


def add_need(user: User, project: Project, data: NeedInput) -> ProjectNeed:
    _check_edit(user, project)
    cleaned = _clean_need(data)
    with transaction.atomic():
        current = _lock_editable(user, project)
        need = ProjectNeed.objects.create(project=current, **cleaned)
        _touch(current)
    return need


def set_need_met(user: User, need: ProjectNeed, met: bool) -> ProjectNeed:
    _check_edit(user, need.project)
    with transaction.atomic():
        lock_existing(need.project)
        ProjectNeed.objects.filter(pk=need.pk).update(is_met=met)
        _touch(need.project)
    need.is_met = met
    return need


def remove_need(user: User, need: ProjectNeed) -> None:
    _check_edit(user, need.project)
    with transaction.atomic():
        lock_existing(need.project)
        ProjectNeed.objects.filter(pk=need.pk).delete()
        _touch(need.project)


def add_milestone(
    user: User, project: Project, title: str, due_on: dt.date | None, done_on: dt.date | None
) -> Milestone:
    _check_edit(user, project)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("This field is required.")
    if due_on is None:
        errors["due_on"] = _("Give the due date.")
    if errors or due_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_editable(user, project)
        last = current.milestones.order_by("-position").values_list("position", flat=True).first()
        milestone = Milestone.objects.create(
            project=current,
            title=title.strip()[:200],
            due_on=due_on,
            done_on=done_on,
            position=min((last or 0) + 1, 32_000),
        )
        _touch(current)
    return milestone


def mark_milestone_done(user: User, milestone: Milestone, done_on: dt.date | None) -> Milestone:
    _check_edit(user, milestone.project)
    with transaction.atomic():
        lock_existing(milestone.project)
        Milestone.objects.filter(pk=milestone.pk).update(done_on=done_on)
        _touch(milestone.project)
    milestone.done_on = done_on
    return milestone


def remove_milestone(user: User, milestone: Milestone) -> None:
    _check_edit(user, milestone.project)
    with transaction.atomic():
        lock_existing(milestone.project)
        Milestone.objects.filter(pk=milestone.pk).delete()
        _touch(milestone.project)


def start_from_needs(user: User, process: Process, lead: Organisation) -> Project:
    """A coordinator turns the unmet searches of a process into a project at the idea stage, with
    one need of that process linked to those searches.

    The searches' rows are locked first, so a double click makes one project: the second finds
    them already linked and is refused. Searches that came after a first project may start
    another; only the ones no project started yet are linked.
    """
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinators start a project from unmet searches."))
    with transaction.atomic():
        ids = list(queries.unmet_group(process).values_list("pk", flat=True))
        # Locked in the order of their ids, so two starters never wait on each other in a cycle.
        locked = list(Need.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if not locked:
            raise ValidationError({"process": _("No unmet search for this process this year.")})
        linked = set(
            ProjectNeed.unmet_needs.through.objects.filter(need_id__in=ids).values_list(
                "need_id", flat=True
            )
        )
        needs = [n for n in locked if n.pk not in linked]
        if not needs:
            started = Project.objects.filter(needs__unmet_needs__in=ids).order_by("-pk").first()
            raise ValidationError(
                {
                    "process": _("These unmet searches already started the project “%(title)s”.")
                    % {"title": started.title if started else ""}
                }
            )
        needs.sort(key=lambda n: (n.created_at, n.pk), reverse=True)
        askers = portfolio.requester_count((n.organisation_id, n.requester_id) for n in needs)
        project = create_project(
            user,
            ProjectInput(
                title=_("Pooling: %(process)s") % {"process": process.label},
                theme=ProjectTheme.POOLING,
                lead=lead,
                summary=_(
                    "Started from %(searches)s unmet searches by %(askers)s organisations or "
                    "people over the last 12 months."
                )
                % {"searches": len(needs), "askers": askers},
            ),
        )
        hours = sum((n.hours for n in needs if n.hours is not None), Decimal("0")) or None
        need = ProjectNeed.objects.create(
            project=project,
            kind=NeedKind.PROCESS,
            process=process,
            label=str(process.label)[:200],
            quantity=hours,
            source_need=needs[0],
        )
        need.unmet_needs.set(needs)
    return project

"""Reads of the project portfolio: who sees and edits a project, the filtered list, the map, and
the unmet searches of the matching grouped by process (what could start a project)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from maillage.cooperation import portfolio
from maillage.cooperation.models import Project, ProjectNeed, ProjectPartner, ProjectStage
from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
    Site,
)
from maillage.equipment.models import Machine, Process
from maillage.matching.models import Need
from maillage.matching.queries import unmet_needs


def _member_org_ids(user: Any, roles: tuple[str, ...] | None = None) -> QuerySet[Membership, Any]:
    qs = Membership.objects.filter(user=user, state=MembershipState.ACTIVE)
    if roles is not None:
        qs = qs.filter(role__in=roles)
    return qs.values("organisation_id")


def visible_projects(user: Any) -> QuerySet[Project]:
    """Public projects for everyone; the others for the lead's and partners' members and the
    coordinators."""
    qs = Project.objects.all()
    if permissions.is_coordinator(user):
        return qs
    if not user.is_authenticated:
        return qs.filter(is_public=True)
    orgs = _member_org_ids(user)
    partner_projects = ProjectPartner.objects.filter(organisation_id__in=orgs).values("project_id")
    return qs.filter(Q(is_public=True) | Q(lead_id__in=orgs) | Q(pk__in=partner_projects))


def can_view(user: Any, project: Project) -> bool:
    return visible_projects(user).filter(pk=project.pk).exists()


def can_edit(user: Any, project: Project) -> bool:
    """The lead organisation's admins and the network's coordinators."""
    return permissions.can_edit_organisation(user, project.lead)


def leadable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations this person may name as a project's lead."""
    qs = Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
    if permissions.is_coordinator(user):
        return qs.order_by("name")
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(pk__in=_member_org_ids(user, (Role.ADMIN,))).order_by("name")


@dataclass
class Filters:
    theme: str = ""
    stage: str = ""
    department: str = ""
    q: str = ""


def portfolio_list(user: Any, filters: Filters | None = None) -> QuerySet[Project]:
    """The visible projects, filtered, each with its lead and its number of partners."""
    f = filters or Filters()
    qs = visible_projects(user)
    if f.theme:
        qs = qs.filter(theme=f.theme)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.department:
        # The project's commune, else any site of its lead.
        lead_in = Site.objects.filter(department_id=f.department).values("organisation_id")
        qs = qs.filter(
            Q(commune__department_id=f.department) | Q(commune__isnull=True, lead_id__in=lead_in)
        )
    if f.q.strip():
        text = f.q.strip()[:100]
        qs = qs.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(lead__name__icontains=text)
        )
    return (
        qs.select_related("lead", "commune", "network")
        .annotate(partner_count=Count("partners", distinct=True))
        .order_by("title", "pk")
    )


def project_detail(project: Project) -> dict[str, Any]:
    """What the project page shows besides the project itself."""
    partners = project.partners.select_related("organisation").order_by("organisation__name")
    needs = project.needs.select_related("machine__organisation", "process").order_by(
        "is_met", "pk"
    )
    return {
        "partners": list(partners),
        "needs": list(needs),
        "milestones": list(project.milestones.order_by("position", "due_on", "pk")),
        "steps": [
            {"stage": s.stage, "state": s.state, "label": ProjectStage(s.stage).label}
            for s in portfolio.stepper(project.stage)
        ],
        "budget_text": portfolio.euros(project.budget),
    }


def project_machines(project: Project) -> QuerySet[Machine]:
    """The machines of the project's lead and partners: what a machine need may point at."""
    partners = project.partners.values("organisation_id")
    return (
        Machine.objects.filter(Q(organisation_id=project.lead_id) | Q(organisation_id__in=partners))
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def project_point(project: Project) -> tuple[float, float] | None:
    """(latitude, longitude): the project's commune, else its lead's first site."""
    if project.commune is not None:
        return project.commune.latitude, project.commune.longitude
    site = next(iter(project.lead.sites.all()), None)
    return (site.latitude, site.longitude) if site else None


def projects_geojson(user: Any, filters: Filters | None = None) -> dict[str, Any]:
    """The visible projects as points, for projects-map.js and the GeoJSON download."""
    qs = portfolio_list(user, filters).prefetch_related(
        Prefetch("lead__sites", queryset=Site.objects.order_by("-is_main", "name", "pk"))
    )
    features = []
    for project in qs:
        point = project_point(project)
        if point is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(point[1], 5), round(point[0], 5)],
                },
                "properties": {
                    "slug": project.slug,
                    "title": project.title,
                    "url": reverse("cooperation:project", args=[project.slug]),
                    "stage": project.stage,
                    "theme": project.theme,
                    "lead": project.lead.name,
                    "lines": [
                        project.lead.name,
                        str(project.get_theme_display()),
                        str(project.get_stage_display()),
                        portfolio.euros(project.budget),
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- unmet searches grouped by process -----------------------------------------------


@dataclass
class UnmetGroup:
    process: Process
    askers: int
    searches: int
    need_ids: list[int] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


def unmet_since(today: dt.date | None = None) -> dt.date:
    """The first day of the last 12 months."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=365)


def unmet_groups(today: dt.date | None = None) -> list[UnmetGroup]:
    """The unmet searches of the last 12 months by process, the most asked for first; each with
    the projects already started from them."""
    needs = unmet_needs(since=unmet_since(today)).order_by()
    rows: dict[int, list[tuple[int, int | None, int]]] = defaultdict(list)
    for pk, process_id, org_id, requester_id in needs.values_list(
        "pk", "process_id", "organisation_id", "requester_id"
    ):
        rows[process_id].append((pk, org_id, requester_id))
    processes = Process.objects.in_bulk(list(rows))
    started: dict[int, list[Project]] = defaultdict(list)
    links = (
        ProjectNeed.objects.filter(unmet_needs__in=[r[0] for v in rows.values() for r in v])
        .select_related("project")
        .distinct()
    )
    for link in links:
        if link.process_id is not None and link.project not in started[link.process_id]:
            started[link.process_id].append(link.project)
    groups = [
        UnmetGroup(
            process=processes[pid],
            askers=portfolio.requester_count((org, person) for _pk, org, person in items),
            searches=len(items),
            need_ids=sorted(pk for pk, _o, _p in items),
            organisation_ids=sorted({org for _pk, org, _p in items if org is not None}),
            projects=started.get(pid, []),
        )
        for pid, items in rows.items()
    ]
    groups.sort(key=lambda g: (-g.askers, -g.searches, g.process.code))
    return groups


def unmet_group(process: Process, today: dt.date | None = None) -> QuerySet[Need]:
    return unmet_needs(since=unmet_since(today)).filter(process=process)

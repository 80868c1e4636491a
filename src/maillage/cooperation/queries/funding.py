"""Reads of a project's funding: who sees it, the plan by kind and funder, a campaign's figures,
the matching rules in words, the pledgers shown in public, the fund's dashboard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maillage.cooperation import funding as core
from maillage.cooperation.models import (
    Campaign,
    CampaignState,
    FundingKind,
    FundingLine,
    FundingStatus,
    MatchingRule,
    Pledge,
    PledgeState,
    Project,
    ProjectTheme,
)
from maillage.cooperation.queries import projects as project_queries
from maillage.directory import permissions
from maillage.directory.models import MembershipState, Organisation, Role

ZERO = Decimal("0.00")


def euros(value: Decimal | None) -> str:
    """« 1 200 € », « 12,50 € »: cents only when there are some."""
    if value is None:
        return ""
    places = 0 if value == value.to_integral_value() else 2
    return _("%(amount)s €") % {"amount": number_format(value, places, force_grouping=True)}


# --- who sees and who edits -----------------------------------------------------------------


def is_lead_member(user: Any, project: Project) -> bool:
    return permissions.membership_of(user, project.lead) is not None


def can_view_funding(user: Any, project: Project) -> bool:
    """A project's funding is read by whoever reads the project: everyone for a public one; its
    lead's and partners' members and the coordinators for the others."""
    if project.is_public:
        return True
    return project_queries.visible_projects(user).filter(pk=project.pk).exists()


def can_edit_funding(user: Any, project: Project) -> bool:
    """The funding plan and the campaigns: coordinators and the lead organisation's admins."""
    if permissions.is_coordinator(user):
        return True
    membership = permissions.membership_of(user, project.lead)
    return membership is not None and membership.role == Role.ADMIN


def can_confirm(user: Any) -> bool:
    """The network's coordinators record that the promised money arrived."""
    return permissions.is_coordinator(user)


def visible_projects(user: Any) -> QuerySet[Project]:
    """The projects whose funding this person reads (the projects' own visibility rule)."""
    return project_queries.visible_projects(user).select_related("lead", "commune__department")


def pledging_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations a person may pledge for: those they are an active admin of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__state=MembershipState.ACTIVE,
        memberships__role=Role.ADMIN,
    ).order_by("name")


# --- the funding plan -----------------------------------------------------------------------


@dataclass
class PlanGroup:
    kind: str
    label: str
    lines: list[FundingLine] = field(default_factory=list)
    amount: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO


@dataclass
class Plan:
    budget: Decimal
    groups: list[PlanGroup]
    amount: Decimal
    committed: Decimal
    disbursed: Decimal

    @property
    def gap(self) -> Decimal:
        """Budget minus the plan: positive, still to find; negative, more than needed."""
        return self.budget - self.amount

    @property
    def beyond(self) -> Decimal:
        """What the plan holds beyond the budget (0 when within it)."""
        return max(ZERO, self.amount - self.budget)

    @property
    def covered_percent(self) -> int:
        if self.budget <= 0:
            return 0
        return int(self.amount * 100 / self.budget)


SECURED = (FundingStatus.COMMITTED, FundingStatus.DISBURSED)


def plan(project: Project) -> Plan:
    """The plan's lines grouped by kind (in the kinds' order), then by funder."""
    groups = {kind: PlanGroup(kind, str(label)) for kind, label in FundingKind.choices}
    for line in project.funding_lines.select_related("funder").order_by("funder_name", "id"):
        group = groups[line.kind]
        group.lines.append(line)
        group.amount += line.amount
        group.disbursed += line.disbursed
        if line.status in SECURED:
            group.committed += line.amount
    kept = [g for g in groups.values() if g.lines]
    return Plan(
        budget=project.budget,
        groups=kept,
        amount=sum((g.amount for g in kept), ZERO),
        committed=sum((g.committed for g in kept), ZERO),
        disbursed=sum((g.disbursed for g in kept), ZERO),
    )


# --- campaigns ------------------------------------------------------------------------------


def current_campaign(project: Project) -> Campaign | None:
    """The open campaign, else the latest one."""
    campaigns = project.campaigns.all()
    return campaigns.filter(state=CampaignState.OPEN).first() or campaigns.first()


LIVE_PLEDGES = (PledgeState.PROMISED, PledgeState.CONFIRMED)


def totals(campaign: Campaign) -> core.Totals:
    # A list of campaigns prefetches their live pledges (`live_pledges`): one query for all.
    live = getattr(campaign, "live_pledges", None)
    if live is None:
        live = campaign.pledges.filter(state__in=LIVE_PLEDGES)
    pledges = [p.as_amount() for p in live]
    rules = [r.as_rule() for r in campaign.matching_rules.all()]
    return core.campaign_totals(campaign.goal, pledges, rules)


def _ratio_text(ratio: Decimal) -> str:
    text = format(ratio.normalize(), "f")
    return text.replace(".", ",") if "." in text else text


def rule_sentence(rule: MatchingRule) -> str:
    """« La Région ajoute 1 € par euro promis, jusqu'à 20 000 € »."""
    parts = [
        _("%(funder)s adds %(ratio)s € per euro pledged, up to %(cap)s")
        % {"funder": rule.funder_name, "ratio": _ratio_text(rule.ratio), "cap": euros(rule.cap)}
    ]
    if rule.per_pledge_cap is not None:
        parts.append(
            _("counting at most %(cap)s of each pledge") % {"cap": euros(rule.per_pledge_cap)}
        )
    if not rule.organisations_count:
        parts.append(_("citizens' pledges only"))
    return ", ".join(parts) + "."


def public_pledgers(campaign: Campaign) -> list[dict[str, Any]]:
    """Who pledged, as shown to everyone: a name or « Anonyme », the amount, the state."""
    rows = []
    for pledge in campaign.pledges.filter(
        state__in=(PledgeState.PROMISED, PledgeState.CONFIRMED)
    ).select_related("organisation"):
        name = _("Anonymous") if pledge.anonymous else pledge.display_name
        rows.append(
            {
                "name": name,
                "organisation": ""
                if pledge.anonymous or not pledge.organisation
                else pledge.organisation.name,
                "amount": pledge.amount,
                "confirmed": pledge.state == PledgeState.CONFIRMED,
                "created_at": pledge.created_at,
            }
        )
    return rows


def pledges_to_confirm(campaign: Campaign) -> QuerySet[Pledge]:
    return (
        campaign.pledges.filter(state=PledgeState.PROMISED)
        .select_related("user", "organisation")
        .order_by("created_at", "id")
    )


def own_pledges(user: Any, campaign: Campaign) -> QuerySet[Pledge]:
    if not user.is_authenticated:
        return Pledge.objects.none()
    return campaign.pledges.filter(user=user).order_by("-created_at", "-id")


def panel(project: Project) -> dict[str, Any]:
    """What the project page's compact funding panel shows."""
    campaign = current_campaign(project)
    figures = totals(campaign) if campaign is not None else None
    funded = project.funding_lines.filter(status__in=SECURED).aggregate(s=Sum("amount"))["s"]
    return {
        "project": project,
        "campaign": campaign,
        "totals": figures,
        "secured": funded or ZERO,
    }


# --- the fund's dashboard -------------------------------------------------------------------


@dataclass
class Row:
    label: str
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    projects: set[int] = field(default_factory=set)


def dashboard(user: Any, campaign_rows: int | None = None) -> dict[str, Any]:
    """Committed and disbursed money by theme and by department; pledges and matching totals.

    The totals count every campaign; `campaigns` lists the open ones first, nearest deadline
    first, then the latest closed ones, at most `campaign_rows` of them (`campaign_count` says
    how many there are)."""
    projects = {p.pk: p for p in visible_projects(user)}
    lines = FundingLine.objects.filter(project_id__in=list(projects))
    by_theme: dict[str, Row] = {}
    by_department: dict[str, Row] = {}
    themes = dict(ProjectTheme.choices)
    committed = disbursed = ZERO
    for line in lines:
        project = projects[line.project_id]
        amount = line.amount if line.status in SECURED else ZERO
        committed += amount
        disbursed += line.disbursed
        department = project.commune.department if project.commune else None
        keys = (
            (by_theme, project.theme, str(themes.get(project.theme, project.theme))),
            (
                by_department,
                department.code if department else "",
                str(department) if department else _("Unknown"),
            ),
        )
        for table, key, label in keys:
            row = table.setdefault(key, Row(label))
            row.committed += amount
            row.disbursed += line.disbursed
            row.projects.add(project.pk)
    campaigns = Campaign.objects.filter(project_id__in=list(projects)).select_related("project")
    campaign_list = []
    pledged = confirmed = matched = ZERO
    per_funder: dict[str, Decimal] = defaultdict(lambda: ZERO)
    live = Prefetch(
        "pledges", queryset=Pledge.objects.filter(state__in=LIVE_PLEDGES), to_attr="live_pledges"
    )
    for campaign in campaigns.prefetch_related("matching_rules", live):
        figures = totals(campaign)
        pledged += figures.promised
        confirmed += figures.confirmed
        matched += figures.matched
        for rule, amount in zip(
            campaign.matching_rules.all(), figures.matched_by_rule, strict=True
        ):
            per_funder[rule.funder_name] += amount
        campaign_list.append({"campaign": campaign, "totals": figures})
    return {
        "committed": committed,
        "disbursed": disbursed,
        "by_theme": sorted(by_theme.values(), key=lambda r: r.label),
        "by_department": sorted(by_department.values(), key=lambda r: r.label),
        "campaigns": sorted(campaign_list, key=_listing_order)[:campaign_rows],
        "campaign_count": len(campaign_list),
        "promised": pledged,
        "confirmed": confirmed,
        "matched": matched,
        "matched_by_funder": sorted(per_funder.items()),
    }


def _listing_order(row: dict[str, Any]) -> tuple[bool, int]:
    """Open campaigns by nearest deadline, then closed ones by latest deadline."""
    campaign = row["campaign"]
    days = campaign.deadline.toordinal()
    is_open = campaign.state == CampaignState.OPEN
    return (not is_open, days if is_open else -days)


def pledge_details(user: Any) -> QuerySet[Pledge]:
    """Every pledge with its person: coordinators only (the others see totals)."""
    if not permissions.is_coordinator(user):
        return Pledge.objects.none()
    return Pledge.objects.select_related("campaign__project", "user", "organisation").order_by(
        "-created_at", "-id"
    )

"""Mixed funding of a project: its funding plan, pledge campaigns, matching rules, pledges.

Payment stays outside the platform: a pledge records a promise, and a coordinator records its
confirmation once the money arrived. Every amount is a Decimal in euros, exact to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.cooperation import funding as core
from maillage.cooperation.models.projects import Project
from maillage.directory.models import Organisation

__all__ = [
    "Campaign",
    "CampaignRule",
    "CampaignState",
    "FundingKind",
    "FundingLine",
    "FundingStatus",
    "MatchingRule",
    "Pledge",
    "PledgeState",
]

ZERO = Decimal("0")


def _money(label: Any, **extra: Any) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        **extra,
    )


class FundingKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    OWN_FUNDS = "own_funds", _("Own funds")
    LOAN = "loan", _("Loan")
    CITIZENS = "citizens", _("Citizen contributions")
    OTHER = "other", _("Other")


class FundingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("funding", "Planned")
    REQUESTED = "requested", pgettext_lazy("funding", "Requested")
    COMMITTED = "committed", pgettext_lazy("funding", "Committed")
    DISBURSED = "disbursed", pgettext_lazy("funding", "Disbursed")


class FundingLine(models.Model):
    """One source in a project's funding plan: who brings how much, and how far it got."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding_lines")
    kind = models.CharField(_("kind"), max_length=12, choices=FundingKind.choices)
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    funder_name = models.CharField(_("funder"), max_length=200)
    amount = _money(_("amount (€)"))
    status = models.CharField(
        _("status"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.PLANNED
    )
    disbursed = _money(_("disbursed (€)"), default=ZERO)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "kind", "funder_name", "id"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cooperation_fundingline_amount"
            ),
            models.CheckConstraint(
                condition=models.Q(disbursed__gte=0) & models.Q(disbursed__lte=models.F("amount")),
                name="cooperation_fundingline_disbursed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder_name} ({self.get_kind_display()})"


class CampaignRule(models.TextChoices):
    ALL_OR_NOTHING = core.ALL_OR_NOTHING, _("All or nothing")
    KEEP = core.KEEP_WHAT_YOU_RAISE, _("Keep what you raise")


class CampaignState(models.TextChoices):
    OPEN = "open", pgettext_lazy("campaign", "Open")
    SUCCEEDED = core.SUCCEEDED, pgettext_lazy("campaign", "Succeeded")
    FAILED = core.FAILED, pgettext_lazy("campaign", "Failed")
    CLOSED = core.CLOSED, pgettext_lazy("campaign", "Closed")


class Campaign(models.Model):
    """A call for pledges toward a goal, open from `opens` to `deadline` (that day included)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200, blank=True)
    goal = _money(_("goal (€)"))
    opens = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    rule = models.CharField(_("rule"), max_length=16, choices=CampaignRule.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=CampaignState.choices, default=CampaignState.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens", "-id"]
        verbose_name = _("pledge campaign")
        verbose_name_plural = _("pledge campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal__gt=0), name="cooperation_campaign_goal"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens")),
                name="cooperation_campaign_dates",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state="open"),
                name="cooperation_campaign_open_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.project)


class MatchingRule(models.Model):
    """A funder adds `ratio` € per € pledged, up to `cap` (e.g. the Region, 1 € per €)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="matching_rules")
    funder_name = models.CharField(_("funder"), max_length=200)
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ratio = models.DecimalField(
        _("€ added per € pledged"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(ZERO)],
    )
    cap = _money(_("cap (€)"))
    per_pledge_cap = _money(_("cap per pledge (€)"), null=True, blank=True)
    organisations_count = models.BooleanField(
        _("organisations' pledges are matched too"), default=False
    )

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("matching rule")
        verbose_name_plural = _("matching rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ratio__gt=0) & models.Q(cap__gt=0),
                name="cooperation_matching_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.funder_name

    def as_rule(self) -> core.Rule:
        return core.Rule(
            ratio=self.ratio,
            cap=self.cap,
            per_pledge_cap=self.per_pledge_cap,
            organisations_count=self.organisations_count,
        )


class PledgeState(models.TextChoices):
    PROMISED = core.PROMISED, pgettext_lazy("pledge", "Promised")
    CONFIRMED = core.CONFIRMED, pgettext_lazy("pledge", "Confirmed")
    CANCELLED = core.CANCELLED, pgettext_lazy("pledge", "Cancelled")
    VOID = core.VOID, pgettext_lazy("pledge", "Void")


class Pledge(models.Model):
    """A person's promise to give, possibly on behalf of an organisation they belong to."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    display_name = models.CharField(_("name shown"), max_length=120)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    amount = _money(_("amount (€)"))
    state = models.CharField(
        _("state"), max_length=10, choices=PledgeState.choices, default=PledgeState.PROMISED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="cooperation_pledge_amount"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="cooperation_pledge_state")]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.amount} €"

    def as_amount(self) -> core.PledgeAmount:
        return core.PledgeAmount(
            amount=self.amount, state=self.state, by_organisation=self.organisation_id is not None
        )

"""The network's governance: its bodies and their seats, documents, decisions and votes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.models.network import Network, NetworkMember
from maillage.core.storage import private_storage
from maillage.core.validators import validate_single_line
from maillage.directory.models import Organisation

__all__ = [
    "Body",
    "BodyKind",
    "BodySeat",
    "Decision",
    "DecisionRule",
    "DecisionState",
    "Document",
    "DocumentKind",
    "SeatRole",
    "Vote",
    "VoteChoice",
]


class BodyKind(models.TextChoices):
    BOARD = "board", _("Board")
    ASSEMBLY = "assembly", _("General assembly")
    COMMITTEE = "committee", _("Other committee")


class Body(models.Model):
    """A governing body of the network: its board, its general assembly, a committee."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=12, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])

    class Meta:
        ordering = ["network", "kind", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="cooperation_body_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class SeatRole(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    TREASURER = "treasurer", _("Treasurer")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class BodySeat(models.Model):
    """A person sitting on a body for an organisation, with a role, between two dates."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="body_seats",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=SeatRole.choices, default=SeatRole.MEMBER
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["body", "role", "organisation__name"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="cooperation_seat_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", _("Statutes")
    MINUTES = "minutes", _("Minutes")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A document of the network (statutes, minutes…); public ones are on the network page."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="documents")
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    date = models.DateField(_("date"))
    file = models.FileField(
        _("file"), upload_to="cooperation/documents/%Y/", storage=private_storage
    )
    content_type = models.CharField(max_length=80, blank=True)
    size = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class DecisionState(models.TextChoices):
    OPEN = "open", _("Open to votes")
    CLOSED = "closed", _("Closed")


class DecisionRule(models.TextChoices):
    COLLEGES = "colleges", _("Simple majority of expressed votes, per college")
    ONE_MEMBER = "one_member", _("One member, one vote")


class Decision(models.Model):
    """A question put to a body's vote; closing it freezes its count in `result`."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    text = models.TextField(_("text of the motion"), blank=True)
    meeting_date = models.DateField(_("date of the meeting"))
    rule = models.CharField(
        _("voting rule"), max_length=12, choices=DecisionRule.choices, default=DecisionRule.COLLEGES
    )
    is_public = models.BooleanField(_("public once closed"), default=True)
    state = models.CharField(
        _("state"), max_length=8, choices=DecisionState.choices, default=DecisionState.OPEN
    )
    # The count frozen at closing (votes.as_record); empty while open.
    result = models.JSONField(null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting_date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open", result__isnull=True)
                | models.Q(state="closed", result__isnull=False),
                name="cooperation_decision_result_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VoteChoice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    """A member organisation's vote on a decision, cast by one of its admins."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(NetworkMember, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "cast_at"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="cooperation_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"

"""Funding pages: a project's funding plan, its campaign with pledges and matching, the editors'
forms, and the fund's dashboard. A non-public project's funding shows only to its lead's members
and the coordinators; pledgers' details on the dashboard only to coordinators."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation.actions import funding as actions
from maillage.cooperation.forms.funding import CampaignForm, LineForm, PledgeForm, RuleForm
from maillage.cooperation.models import CampaignState, FundingLine, Pledge, Project
from maillage.cooperation.queries import funding as queries
from maillage.core.dates import local_today
from maillage.core.forms import input_from
from maillage.core.views import flash_outcome, save_form
from maillage.sharing.views.common import acting_user


def _project(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("lead"), slug=slug)
    if not queries.can_view_funding(request.user, project):
        raise Http404
    return project


def _editable(request: HttpRequest, slug: str) -> Project:
    project = _project(request, slug)
    if not queries.can_edit_funding(request.user, project):
        raise PermissionDenied
    return project


def _funding_url(project: Project) -> str:
    return reverse("cooperation:funding", args=[project.slug])


def funding(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    campaign = queries.current_campaign(project)
    user = request.user
    organisations = queries.pledging_organisations(user)
    form = PledgeForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if campaign is None:
            raise Http404
        saved = save_form(
            request,
            form,
            lambda: actions.pledge(
                acting_user(request),
                campaign,
                form.cleaned_data["amount"],
                organisation=form.cleaned_data["organisation"],
                display_name=form.cleaned_data["display_name"],
                anonymous=form.cleaned_data["anonymous"],
            ),
            _("Thank you: your pledge is recorded. A coordinator confirms it once paid."),
        )
        if saved is not None:
            return redirect(_funding_url(project) + "#campaign")
    context: dict[str, Any] = {
        "project": project,
        "plan": queries.plan(project),
        "campaign": campaign,
        "form": form,
        "editor": queries.can_edit_funding(user, project),
    }
    if campaign is not None:
        context.update(
            totals=queries.totals(campaign),
            rules=[queries.rule_sentence(r) for r in campaign.matching_rules.all()],
            pledgers=queries.public_pledgers(campaign),
            mine=queries.own_pledges(user, campaign),
            is_open=campaign.state == CampaignState.OPEN,
            accepting=campaign.state == CampaignState.OPEN and local_today() <= campaign.deadline,
            to_confirm=queries.pledges_to_confirm(campaign) if queries.can_confirm(user) else None,
        )
        if context["editor"] and campaign.state == CampaignState.OPEN:
            context["rule_form"] = RuleForm()
    return render(request, "cooperation/funding.html", context)


def _pledge(request: HttpRequest, slug: str, pk: int) -> Pledge:
    project = _project(request, slug)
    return get_object_or_404(
        Pledge.objects.select_related("campaign"), campaign__project=project, pk=pk
    )


@login_required
@require_POST
def pledge_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _pledge(request, slug, pk)
    flash_outcome(
        request,
        lambda: actions.cancel_pledge(acting_user(request), found),
        _("Your pledge is cancelled."),
    )
    return redirect(reverse("cooperation:funding", args=[slug]) + "#campaign")


@login_required
@require_POST
def pledge_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _pledge(request, slug, pk)
    flash_outcome(
        request,
        lambda: actions.confirm_pledge(acting_user(request), found),
        _("Pledge confirmed."),
    )
    return redirect(reverse("cooperation:funding", args=[slug]) + "#to-confirm")


@login_required
def line_new(request: HttpRequest, slug: str) -> HttpResponse:
    project = _editable(request, slug)
    form = LineForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: actions.add_line(
            acting_user(request), project, input_from(form, actions.LineInput, funder=None)
        ),
        _("Funding line added."),
    )
    if saved is not None:
        return redirect(_funding_url(project) + "#plan")
    return render(
        request,
        "cooperation/funding_form.html",
        {"project": project, "form": form, "heading": _("Add a funding line")},
    )


@login_required
def line_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = _editable(request, slug)
    line = get_object_or_404(FundingLine, project=project, pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        flash_outcome(
            request,
            lambda: actions.remove_line(acting_user(request), line),
            _("Funding line removed."),
        )
        return redirect(_funding_url(project) + "#plan")
    initial = {
        "kind": line.kind,
        "funder_name": line.funder_name,
        "amount": line.amount,
        "status": line.status,
        "disbursed": line.disbursed,
        "note": line.note,
    }
    form = LineForm(request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: actions.update_line(
            acting_user(request), line, input_from(form, actions.LineInput, funder=line.funder)
        ),
        _("Funding line saved."),
    )
    if saved is not None:
        return redirect(_funding_url(project) + "#plan")
    return render(
        request,
        "cooperation/funding_form.html",
        {"project": project, "form": form, "heading": _("Edit a funding line"), "line": line},
    )


@login_required
def campaign_new(request: HttpRequest, slug: str) -> HttpResponse:
    project = _editable(request, slug)
    form = CampaignForm(request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: actions.create_campaign(
            acting_user(request), project, input_from(form, actions.CampaignInput)
        ),
        _("Campaign created."),
    )
    if saved is not None:
        return redirect(_funding_url(project) + "#campaign")
    return render(
        request,
        "cooperation/funding_form.html",
        {"project": project, "form": form, "heading": _("Open a pledge campaign")},
    )


@login_required
@require_POST
def rule_new(request: HttpRequest, slug: str) -> HttpResponse:
    project = _editable(request, slug)
    campaign = queries.current_campaign(project)
    if campaign is None:
        raise Http404
    form = RuleForm(request.POST)
    saved = save_form(
        request,
        form,
        lambda: actions.add_matching_rule(
            acting_user(request), campaign, input_from(form, actions.RuleInput, funder=None)
        ),
        _("Matching rule added."),
    )
    if saved is not None:
        return redirect(_funding_url(project) + "#campaign")
    return render(
        request,
        "cooperation/funding_form.html",
        {"project": project, "form": form, "heading": _("Add a matching rule")},
    )


def fund(request: HttpRequest) -> HttpResponse:
    context = queries.dashboard(request.user, campaign_rows=FUND_ROWS)
    context["pledge_details"] = queries.pledge_details(request.user)[:200]
    context["coordinator"] = queries.can_confirm(request.user)
    return render(request, "cooperation/fund.html", context)


# The campaigns listed on the fund's page (each project's funding page gives its own).
FUND_ROWS = 50

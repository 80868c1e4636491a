"""Skills pages: my skills (consent, add, edit, delete) and "who can repair or teach this"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation.actions import skills as actions
from maillage.cooperation.forms.skills import SkillForm, SkillSearchForm
from maillage.cooperation.models import Skill, SkillConsent
from maillage.cooperation.queries.skills import SkillResults, my_skills, search_skills
from maillage.core.forms import add_action_errors
from maillage.directory.models import User


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    form = SkillForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_skill(user, form.to_input())
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Skill added."))
            return redirect("cooperation:skills_mine")
    consent = SkillConsent.objects.filter(user=user).first()
    return render(
        request,
        "cooperation/skills_mine.html",
        {"form": form, "skills": my_skills(user), "consent": consent},
    )


@login_required
def edit(request: HttpRequest, skill_id: int) -> HttpResponse:
    user = _actor(request)
    skill = get_object_or_404(Skill, pk=skill_id, user=user)
    form = SkillForm(request.POST or None, user=user, initial=SkillForm.initial_for(skill))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_skill(user, skill, form.to_input())
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Skill saved."))
            return redirect("cooperation:skills_mine")
    return render(request, "cooperation/skills_edit.html", {"form": form, "skill": skill})


@login_required
@require_POST
def delete(request: HttpRequest, skill_id: int) -> HttpResponse:
    user = _actor(request)
    skill = get_object_or_404(Skill, pk=skill_id, user=user)
    actions.delete_skill(user, skill)
    messages.success(request, _("Skill deleted."))
    return redirect("cooperation:skills_mine")


@login_required
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    if request.POST.get("consent") == "give":
        actions.give_consent(user)
        messages.success(request, _("Your skills are listed as you chose."))
    else:
        actions.withdraw_consent(user)
        messages.success(request, _("Consent withdrawn: your skills are no longer listed."))
    return redirect("cooperation:skills_mine")


def search(request: HttpRequest) -> HttpResponse:
    form = SkillSearchForm(request.GET or None)
    results = SkillResults()
    searched = bool(request.GET)
    if searched and form.is_valid():
        results = search_skills(request.user, form.to_query())
        for name, message in results.errors.items():
            form.add_error(name if name in form.fields else None, message)
    elif not searched:
        results = search_skills(request.user, SkillSearchForm.empty_query())
    return render(
        request,
        "cooperation/skills_search.html",
        {"form": form, "results": results, "searched": searched},
    )

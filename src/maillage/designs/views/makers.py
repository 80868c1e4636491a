"""Who can make a design near me, and its parts turned into needs in one click."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core.forms import add_action_errors
from maillage.designs.actions.makers import parts_into_needs
from maillage.designs.forms.makers import PlaceForm
from maillage.designs.makeable import percent
from maillage.designs.queries.designs import visible_designs
from maillage.designs.queries.makers import Place, default_place, who_can_make
from maillage.directory.models import Membership, MembershipState, User


def _place(request: HttpRequest, form: PlaceForm) -> Place:
    commune = form.cleaned_data.get("commune", "").strip() if form.is_valid() else ""
    return Place(commune=commune) if commune else default_place(request.user)


def _is_member(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, state=MembershipState.ACTIVE).exists()
    )


def makers(request: HttpRequest, slug: str) -> HttpResponse:
    # Open to visitors: they see the machines the matching search shows them.
    design = get_object_or_404(visible_designs(request.user), slug=slug)
    form = PlaceForm(request.GET or None)
    answer = None
    if not form.is_bound or form.is_valid():
        place = _place(request, form)
        if place.commune or place.latitude is not None:
            try:
                answer = who_can_make(design, request.user, place, form.radius())
            except ValidationError as exc:
                add_action_errors(form, exc)
    return render(
        request,
        "designs/makers.html",
        {
            "design": design,
            "form": form,
            "answer": answer,
            "share_count": percent(answer.share.by_count) if answer else None,
            "share_mass": percent(answer.share.by_mass) if answer else None,
            "may_record": _is_member(request.user),
        },
    )


@login_required
@require_POST
def into_needs(request: HttpRequest, slug: str) -> HttpResponse:
    design = get_object_or_404(visible_designs(request.user), slug=slug)
    form = PlaceForm(request.POST)
    back = reverse("designs:makers", args=[design.slug])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect(back)
    assert isinstance(request.user, User)
    try:
        needs = parts_into_needs(request.user, design, _place(request, form), form.radius())
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(n)s need recorded for %(design)s.",
            "%(n)s needs recorded for %(design)s.",
            len(needs),
        )
        % {"n": len(needs), "design": design.name},
    )
    return redirect("matching:my_needs")

"""The catalogue of open designs, a design's page and the hand correction of a part's processes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.validators import MAX_ROW_ID
from maillage.designs.actions import designs as actions
from maillage.designs.forms.designs import ProcessesForm
from maillage.designs.models import DesignPart
from maillage.designs.queries import designs as queries
from maillage.equipment.models import Process


def index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100].strip()
    licence = request.GET.get("licence", "")[:120]
    return render(
        request,
        "designs/index.html",
        {
            "designs": queries.catalogue(request.user, search, licence),
            "licences": queries.licences(request.user),
            "search": search,
            "licence": licence,
            "can_import": queries.importing_organisations(request.user).exists(),
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    design = get_object_or_404(queries.with_parts(queries.visible_designs(request.user)), slug=slug)
    parts = list(design.parts.all())
    can_correct = queries.can_correct(request.user, design)
    return render(
        request,
        "designs/design.html",
        {
            "design": design,
            "parts": parts,
            "made_count": sum(1 for p in parts if not p.off_the_shelf),
            "can_correct": can_correct,
            "can_update": queries.can_update(request.user, design),
            "all_processes": list(Process.objects.order_by("position", "code"))
            if can_correct
            else [],
        },
    )


@login_required
@require_POST
def correct(request: HttpRequest, slug: str, part_id: int) -> HttpResponse:
    if not 0 < part_id <= MAX_ROW_ID:
        raise PermissionDenied
    part = get_object_or_404(
        DesignPart.objects.select_related("design"), pk=part_id, design__slug=slug
    )
    if not queries.can_correct(request.user, part.design):
        raise PermissionDenied
    form = ProcessesForm(request.POST)
    if form.is_valid():
        try:
            actions.correct_processes(
                request.user,  # type: ignore[arg-type]
                part,
                [p.pk for p in form.cleaned_data["processes"]],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The processes of %(part)s are corrected.") % {"part": part.name}
            )
    else:
        found = form.errors.get("processes") or [_("Choose a process.")]
        messages.error(request, " ".join(str(message) for message in found))
    return redirect(reverse("designs:detail", args=[slug]) + f"#part-{part.pk}")

"""Builds of a design: record one, its page with photos, edit and delete (the organisation's
admins). A private build is seen only by its organisation's members (others: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from maillage.core.forms import add_action_errors
from maillage.designs.actions import builds as actions
from maillage.designs.forms.builds import BuildForm
from maillage.designs.models import Build, BuildPhoto
from maillage.designs.queries import builds as queries
from maillage.designs.queries.designs import visible_designs
from maillage.directory.models import User


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _visible_build(request: HttpRequest, slug: str, build_id: int) -> Build:
    build = (
        queries.visible_builds(request.user)
        .filter(design__slug=slug, pk=build_id)
        .prefetch_related("photos", "organisation__sites__commune")
        .first()
    )
    if build is None:
        raise Http404
    return build


def _add_errors(form: BuildForm, exc: ValidationError) -> None:
    add_action_errors(form, exc)


@login_required
def new(request: HttpRequest, slug: str) -> HttpResponse:
    design = get_object_or_404(visible_designs(request.user), slug=slug)
    organisations = queries.recording_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only members of an organisation can record a build."))
    form = BuildForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            build = actions.record_build(
                _actor(request),
                design,
                form.cleaned_data["organisation"],
                form.to_input(),
                form.cleaned_data.get("photos") or [],
                [form.cleaned_data.get("caption", "")] * len(form.cleaned_data.get("photos") or []),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Build recorded."))
            return redirect(build.get_absolute_url())
    return render(request, "designs/build_form.html", {"design": design, "form": form})


def detail(request: HttpRequest, slug: str, build_id: int) -> HttpResponse:
    build = _visible_build(request, slug, build_id)
    return render(
        request,
        "designs/build.html",
        {
            "design": build.design,
            "build": build,
            "commune": queries.build_commune(build),
            "may_edit": queries.can_edit_build(request.user, build),
        },
    )


@login_required
def edit(request: HttpRequest, slug: str, build_id: int) -> HttpResponse:
    build = _visible_build(request, slug, build_id)
    if not queries.can_edit_build(request.user, build):
        raise PermissionDenied
    form = BuildForm(request.POST or None, request.FILES or None, build=build)
    if request.method == "POST" and form.is_valid():
        photos = form.cleaned_data.get("photos") or []
        try:
            actions.update_build(
                _actor(request),
                build,
                form.to_input(),
                photos,
                [form.cleaned_data.get("caption", "")] * len(photos),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Build saved."))
            return redirect(build.get_absolute_url())
    return render(
        request,
        "designs/build_form.html",
        {"design": build.design, "form": form, "build": build},
    )


@login_required
def delete(request: HttpRequest, slug: str, build_id: int) -> HttpResponse:
    build = _visible_build(request, slug, build_id)
    if not queries.can_edit_build(request.user, build):
        raise PermissionDenied
    if request.method == "POST":
        design = build.design
        try:
            actions.delete_build(_actor(request), build)
        except ValidationError as exc:  # deleted meanwhile by someone else
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Build deleted."))
        return redirect("designs:makers", slug=design.slug)
    return render(request, "designs/build_delete.html", {"design": build.design, "build": build})


def photo(request: HttpRequest, slug: str, build_id: int, photo_id: int) -> FileResponse:
    """A build's photo, for whoever sees the build (others: 404), from the private storage."""
    build = _visible_build(request, slug, build_id)
    found = get_object_or_404(BuildPhoto, build=build, pk=photo_id)
    name = found.image.name or ""
    kind = name.rsplit(".", 1)[-1].lower()
    try:
        handle = found.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=False)
    response["Content-Type"] = actions.CONTENT_TYPES.get(kind, "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response

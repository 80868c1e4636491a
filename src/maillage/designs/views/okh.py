"""Importing an OKH manifest (file or address) and exporting a design as okh.toml."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from maillage.designs import okh
from maillage.designs.actions import okh as actions
from maillage.designs.forms.okh import ImportForm
from maillage.designs.queries import designs as queries


@login_required
def import_manifest(request: HttpRequest) -> HttpResponse:
    organisations = queries.importing_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only members of an organisation import designs."))
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            if form.cleaned_data.get("file"):
                data = form.cleaned_data["file"].read(actions.MAX_MANIFEST_BYTES + 1)
                design = actions.import_manifest(request.user, organisation, data)  # type: ignore[arg-type]
            else:
                design = actions.import_from_url(
                    request.user,  # type: ignore[arg-type]
                    organisation,
                    form.cleaned_data["url"],
                )
        except (ValidationError, PermissionDenied) as error:
            errors = list(error.messages) if isinstance(error, ValidationError) else [str(error)]
        else:
            messages.success(
                request,
                _("%(name)s is imported with its parts.") % {"name": design.name},
            )
            return redirect("designs:detail", design.slug)
    return render(request, "designs/import.html", {"form": form, "errors": errors})


def export(request: HttpRequest, slug: str) -> HttpResponse:
    design = get_object_or_404(queries.with_parts(queries.visible_designs(request.user)), slug=slug)
    text = okh.to_toml(queries.as_manifest(design))
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{design.slug}.okh.toml"'
    return response

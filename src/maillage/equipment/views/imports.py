"""The coordinators' upload page for fablabs.io exports (labs, machines, envelopes)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.imports.fablabs import import_fablabs_file
from maillage.equipment.imports.report import ImportReport

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the real labs.csv is 0.3 MB


class FablabsImportForm(forms.Form):
    file = forms.FileField(
        label=_("fablabs.io export (CSV)"),
        help_text=_(
            "labs.csv, machines.csv or machines_with_envelopes.csv; import labs.csv first."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and report, change nothing"), required=False, initial=True
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


@login_required
def import_fablabs_view(request: HttpRequest) -> HttpResponse:
    # Imported labs are published at once, so only coordinators may import.
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied(_("Only network coordinators import the fablabs.io directory."))
    assert isinstance(request.user, User)
    report: ImportReport | None = None
    if request.method == "POST":
        form = FablabsImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_fablabs_file(
                    upload.read(),
                    request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    file_name=upload.name,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
    else:
        form = FablabsImportForm()
    return render(request, "equipment/import_fablabs.html", {"form": form, "report": report})

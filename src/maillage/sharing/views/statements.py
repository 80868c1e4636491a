"""Monthly statements between organisations: the page, its CSV and its printable version."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import Organisation
from maillage.sharing.queries import statements
from maillage.sharing.queries.statements import Month


class MonthForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
    )


def _member_org_or_404(request: HttpRequest, slug: str) -> Organisation:
    """Statements are private: hosts, admins, coordinators; other members get 403, others 404."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not (
        permissions.is_coordinator(request.user)
        or permissions.membership_of(request.user, organisation) is not None
    ):
        raise Http404
    if not permissions.can_host(request.user, organisation):
        raise PermissionDenied
    return organisation


def _month(request: HttpRequest) -> Month:
    """The ?month=YYYY-MM parameter, the current month when absent; ValidationError if bad."""
    raw = str(request.GET.get("month") or "").strip()
    return Month.parse(raw) if raw else Month.containing(timezone.now())


def _month_export(
    view: Callable[[HttpRequest, Organisation, Month], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A file of one month's statement: the host check, then the month asked for, or the
    plain-text 400 that says why it is not one."""

    @login_required
    @functools.wraps(view)
    def export(request: HttpRequest, slug: str) -> HttpResponse:
        organisation = _member_org_or_404(request, slug)
        try:
            month = _month(request)
        except ValidationError as exc:
            return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain")
        return view(request, organisation, month)

    return export


@login_required
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _member_org_or_404(request, slug)
    form = MonthForm(request.GET or None)
    try:
        month = _month(request)
    except ValidationError as exc:
        form.is_valid()
        add_action_errors(form, exc)
        month = Month.containing(timezone.now())
    if not request.GET.get("month"):
        form = MonthForm(initial={"month": month.param})
    return render(
        request,
        "sharing/statements/statement.html",
        {
            "organisation": organisation,
            "statement": statements.build_statement(organisation, month),
            "month": month,
            "form": form,
        },
    )


@_month_export
def statement_csv(request: HttpRequest, organisation: Organisation, month: Month) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM: spreadsheets then read the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerows(statements.csv_rows(statements.build_statement(organisation, month)))
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    filename = f"maillage-{organisation.slug}-{month.param}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_month_export
def statement_print(request: HttpRequest, organisation: Organisation, month: Month) -> HttpResponse:
    return render(
        request,
        "sharing/statements/print.html",
        {
            "organisation": organisation,
            "statement": statements.build_statement(organisation, month),
            "month": month,
            "printed_at": timezone.now(),
        },
    )

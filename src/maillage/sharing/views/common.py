"""What every sharing page does the same way: who acts, where to go back, errors as text."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from maillage.core.dates import in_window
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.sharing.availability import PARIS


def acting_user(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def back_url(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: the page's `next` when it is on this site, else `default`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def visible_machine(request: HttpRequest, machine_id: int) -> Machine:
    return get_object_or_404(
        visible_machines(request.user).select_related("organisation", "site"), pk=machine_id
    )


def error_text(exc: ValidationError, form: forms.Form | None = None) -> str:
    """An action's (or a form's) errors as one message, each prefixed by its field's label."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts: list[str] = []
    for name, texts in exc.message_dict.items():
        field = form.fields.get(name) if form is not None else None
        for text in texts:
            if field is not None and field.label:
                text = _("%(field)s: %(message)s") % {"field": field.label, "message": text}
            parts.append(text)
    return " ".join(parts)


def form_errors(form: forms.Form) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def aware_datetime(value: str | None) -> dt.datetime | None:
    """An ISO datetime from a query string ("+01:00" may arrive as " 01:00"); naive = Paris."""
    if not value:
        return None
    text = value.strip()
    if " " in text[10:]:
        text = text[:10] + text[10:].replace(" ", "+")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if not in_window(parsed):
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=PARIS)
    return parsed

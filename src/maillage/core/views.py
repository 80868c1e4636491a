"""Glue between page views and actions: a refusal shown on the form or on the next page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from maillage.core.forms import add_action_errors

T = TypeVar("T")


def save_form(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[], T], success: str
) -> T | None:
    """On a valid POST, run the action `save` and flash `success`: what it saved (not None).

    None when nothing was posted, the form is invalid, or the action refused: its errors then
    stand beside the form's fields, and the page shows the form again.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None
    messages.success(request, success)
    return saved


def flash_outcome(
    request: HttpRequest,
    action: Callable[[], T],
    success: str | Callable[[T], str] = "",
    *,
    one_message_each: bool = False,
) -> bool:
    """Run the action of a POST-and-redirect page; True when it went through.

    Its refusal becomes an error message on the next page (its messages joined, or one message
    each); `success`, a text or a function of what the action returned, a success message.
    """
    try:
        result = action()
    except ValidationError as exc:
        if one_message_each:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.error(request, " ".join(exc.messages))
        return False
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return True

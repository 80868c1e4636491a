"""Glue between actions' ValidationErrors and page forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_action_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show an action's errors beside the fields they name; the rest at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)

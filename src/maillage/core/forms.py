"""Glue between actions and page forms: their inputs, their ValidationErrors, choices."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    InputT = TypeVar("InputT", bound=DataclassInstance)
else:
    InputT = TypeVar("InputT")


def input_from(form: forms.BaseForm, input_class: type[InputT], **shaped: Any) -> InputT:
    """The action's input (a dataclass) from the form's cleaned data, field by field.

    `shaped` gives the fields the form names or shapes otherwise; every other field of the
    input is read from the form's field of the same name.
    """
    data = form.cleaned_data
    plain = {f.name: data[f.name] for f in dataclasses.fields(input_class) if f.name not in shaped}
    return input_class(**plain, **shaped)


def set_choices(form: forms.BaseForm, choices: Mapping[str, Sequence[tuple[Any, Any]]]) -> None:
    """Give the form's choice fields their options, read when the form is made."""
    for name, options in choices.items():
        field = form.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options


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

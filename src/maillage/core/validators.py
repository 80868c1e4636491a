"""Field checks shared by the apps' actions and forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.core.text import has_control_characters

SINGLE_LINE_MESSAGE = _(
    "Write this on a single line, without line breaks, tabs or control characters."
)


def validate_single_line(value: object) -> None:
    """A Django validator: names, titles and other one-line values refuse control characters."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


def single_line_errors(**values: str) -> dict[str, list[str]]:
    """One error per named field whose value is not a single line, for an action's errors."""
    return {
        name: [str(SINGLE_LINE_MESSAGE)]
        for name, value in values.items()
        if has_control_characters(value or "")
    }


def renamed_errors(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """An action's error, with its field names as a request body spells them."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {names.get(field, field): messages for field, messages in exc.message_dict.items()}
    )


# The largest primary key a column holds (signed 64-bit on SQLite and PostgreSQL): a larger id
# names no row, and SQLite refuses to even compare it.
MAX_ROW_ID = 2**63 - 1

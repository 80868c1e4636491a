"""Messages of the plain cores (manifest reader, fetcher), translated by whoever shows them.

The cores do not import Django: they raise errors carrying a `Message` (an English template
marked with `gettext_noop` so `makemessages` finds it, and its values); `str()` gives the
English text, `Message.format(gettext)` the text in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Marks a template for translation; it is translated when shown."""
    return message


@dataclass(frozen=True)
class Message:
    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def format(self, translate: Callable[[str], str]) -> str:
        values = {
            key: value.format(translate) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        return translate(self.template) % values if values else translate(self.template)

    def __str__(self) -> str:
        return self.format(lambda template: template)


class CoreError(ValueError):
    """An error whose message can be shown in the reader's language."""

    def __init__(self, template: str, **params: object) -> None:
        self.message = Message(template, params)
        super().__init__(str(self.message))

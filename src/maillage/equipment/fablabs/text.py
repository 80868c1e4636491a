"""Text repair for fablabs.io exports: invisible characters, lost accents, placeholders."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from maillage.equipment.fablabs.rows import RowProblem, _

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")
# Words whose accented letter the export replaced by "?": only unambiguous repairs.
LOST_ACCENT_REPAIRS: dict[str, str] = {
    "S?o": "São",
    "S?O": "SÃO",
    "Jo?o": "João",
    "Ribeir?o": "Ribeirão",
    "Sert?ozinho": "Sertãozinho",
    "Fund?o": "Fundão",
    "Bras?lia": "Brasília",
    "?zmir": "İzmir",
    "Gda?sk": "Gdańsk",
    "Pozna?": "Poznań",
    "Bucure?ti": "București",
    "Ia?i": "Iași",
    "Eski?ehir": "Eskişehir",
    "Pu?awy": "Puławy",
    "Wrze?nia": "Września",
}
_REPAIR = re.compile(
    r"(?<![\w?])(" + "|".join(re.escape(k) for k in LOST_ACCENT_REPAIRS) + r")(?![\w?])"
)
_CEDEX = re.compile(r"\bcedex\b(\s*\d+)?", re.IGNORECASE)
NOT_A_VALUE = frozenset({"", "none", "null", "nan", "n/a", "na", "-", "?"})


def clean_text(text: str) -> str:
    """NFC, no soft hyphens or zero-width characters, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def repair_lost_accents(text: str) -> str:
    """Put back the accents of the few words known to have lost them ("S?o Paulo")."""
    return _REPAIR.sub(lambda m: LOST_ACCENT_REPAIRS[m.group(1)], text)


def has_lost_characters(text: str) -> bool:
    return "?" in text


def only_lost_characters(text: str) -> bool:
    """Nothing but question marks and punctuation left: the text is gone (often Cyrillic)."""
    return bool(text) and not any(c.isalnum() for c in text)


def field_value(text: str) -> str:
    cleaned = clean_text(text)
    return "" if cleaned.casefold() in NOT_A_VALUE else cleaned


# Whole sentences per column, so that translations need not assemble a phrase.
LOST_ALL: dict[str, str] = {
    "name": _("The name “%(text)s” lost its characters upstream: left empty."),
    "city": _("The city “%(text)s” lost its characters upstream: left empty."),
    "lab_name": _("The lab name “%(text)s” lost its characters upstream: left empty."),
    "facility": _("The facility “%(text)s” lost its characters upstream: left empty."),
}
LOST_SOME: dict[str, str] = {
    "name": _("The name “%(text)s” lost some characters upstream (“?”): kept as found."),
    "city": _("The city “%(text)s” lost some characters upstream (“?”): kept as found."),
    "lab_name": _("The lab name “%(text)s” lost some characters upstream (“?”): kept as found."),
    "facility": _("The facility “%(text)s” lost some characters upstream (“?”): kept as found."),
}


def text_field(row: Mapping[str, str], column: str, line: int, problems: list[RowProblem]) -> str:
    """A name or city: repaired when we can, reported when characters stay lost."""
    value = repair_lost_accents(field_value(row.get(column, "")))
    if only_lost_characters(value):
        problems.append(RowProblem(line, "doubtful", LOST_ALL[column], {"text": value}))
        return ""
    if has_lost_characters(value):
        problems.append(RowProblem(line, "doubtful", LOST_SOME[column], {"text": value}))
    return value


def geocoding_city(city: str) -> str:
    """The commune part of a postal city: "Saint-Pierre cedex 4" → "Saint-Pierre"."""
    return clean_text(_CEDEX.sub(" ", city))


def title_case(text: str) -> str:
    """Capitalise lower-case words only, so that "gw instek" → "Gw Instek" but "MDX" stays."""
    words = []
    for word in text.split(" "):
        if word.islower():
            word = word[:1].upper() + word[1:]
            word = re.sub(r"(?<=\d)d\b", "D", word)  # "3d" → "3D"
        words.append(word)
    return " ".join(words)

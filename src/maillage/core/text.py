"""Text normalisation shared by search indexing and search queries."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation to single spaces.

    Both the stored search column and the user's query go through this, so that
    "Fablab Étoile", "fab-lab etoile" and "FABLAB ÉTOILE" find each other on any database.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_only = ascii_only.replace("œ", "oe").replace("æ", "ae")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", ascii_only)).strip()


def slugify_ascii(text: str, max_length: int = 60) -> str:
    """A URL slug made of the folded words joined by hyphens."""
    return fold(text).replace(" ", "-")[:max_length].strip("-") or "organisation"


# Characters that break a line or hide in it: controls (newline, tab, NUL…), invisible format
# characters (bidi overrides…) and the Unicode line/paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}
# Joiners are format characters that some scripts and emoji sequences need.
_ALLOWED_FORMAT = {"\u200c", "\u200d"}


def is_control(char: str) -> bool:
    """A character that has no place in a single-line value (an ordinary space is fine)."""
    return char not in _ALLOWED_FORMAT and unicodedata.category(char) in _INVISIBLE


def has_control_characters(text: str) -> bool:
    return any(is_control(c) for c in text)


def one_line(text: str) -> str:
    """The text on one line: each control character becomes a space, runs of spaces one."""
    return " ".join("".join(" " if is_control(c) else c for c in text).split())

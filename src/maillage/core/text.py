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

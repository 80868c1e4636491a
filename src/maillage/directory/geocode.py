"""Offline geocoding of a French address to a commune, from the communes table."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from maillage.core.text import fold
from maillage.directory.models import Commune

POSTAL_CODE = re.compile(r"\b(\d{5})\b")
# Paris, Lyon and Marseille: the postal codes belong to their municipal arrondissements.
CITIES_WITH_ARRONDISSEMENTS = ("13055", "69123", "75056")
INSEE_CODE = re.compile(r"\d[\dAB]\d{3}")


def find_commune(commune_text: str = "", postal_code: str = "") -> Commune | None:
    """The commune named (or whose postal code is given), most populated first when ambiguous.

    Accepts "Marseille", "13008", "13008 Marseille", "marseille 8e" or an INSEE code.
    """
    name = fold(POSTAL_CODE.sub(" ", commune_text))
    if not postal_code:
        match = POSTAL_CODE.search(commune_text)
        postal_code = match.group(1) if match else ""
    candidates = Commune.objects.all()
    if postal_code:
        by_postcode = candidates.filter(postal_codes__contains=f" {postal_code} ")
        arrondissements = by_postcode.exclude(insee_code__in=CITIES_WITH_ARRONDISSEMENTS)
        named = _match_name(by_postcode, name) if name else None
        if named is not None and named.insee_code in CITIES_WITH_ARRONDISSEMENTS:
            # "13002 Marseille" means the 2nd arrondissement, which carries the postal code.
            return arrondissements.order_by("-population").first() or named
        if named is not None:
            return named
        found = arrondissements.order_by("-population").first() or by_postcode.first()
        if found is not None:
            return found
    text = commune_text.strip().upper()
    if INSEE_CODE.fullmatch(text):
        return candidates.filter(insee_code=text).first()
    if name:
        return _match_name(candidates, name)
    return None


def _match_name(queryset: QuerySet[Commune], name: str) -> Commune | None:
    exact = queryset.filter(name_folded=name).order_by("-population").first()
    if exact is not None:
        return exact
    return queryset.filter(name_folded__startswith=name).order_by("-population").first()


def search_communes(text: str, limit: int = 10) -> list[Commune]:
    """Communes for an autocomplete: by postal code prefix or folded name prefix."""
    text = text.strip()
    if not text:
        return []
    qs = Commune.objects.select_related("department")
    if text.isdigit():
        return list(qs.filter(postal_codes__contains=f" {text}").order_by("-population")[:limit])
    return list(qs.filter(name_folded__startswith=fold(text)).order_by("-population")[:limit])

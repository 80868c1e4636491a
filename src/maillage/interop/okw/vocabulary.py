"""Our codes ↔ OKW's words: materials, conditions, tolerance classes, processes, kinds."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final
from urllib.parse import unquote

from maillage.interop.okw.model import (
    MATERIAL_URN_PREFIX,
    PROCESS_URN_PREFIX,
    WIKIDATA_URL,
    Facility,
    OkwError,
    ProcessRef,
)

# How the equipment of each kind of organisation is usually reached (OKW "access_type").
# Maillage has no per-site field yet, so the export derives it from the organisation's kind.
ACCESS_TYPE_BY_KIND: Final[Mapping[str, str]] = {
    "fablab": "Public",
    "reuse_repair": "Public",
    "collective_workshop": "Membership",
    "training_body": "Restricted with public hours",
    "sme": "Restricted",
    "technical_centre": "Restricted",
    "research_lab": "Restricted",
    "cluster": "Restricted",
    "public_body": "Restricted",
    "cooperation_network": "Restricted",
}

# Maillage material → the Wikipedia article of OKW's defined material list (section 8.5).
MATERIAL_ARTICLES: Final[Mapping[str, str]] = {
    "steel": "Steel",
    "stainless": "Stainless_steel",
    "aluminium": "Aluminium",
    "copper_alloys": "Copper",
    "other_metals": "Metal",
    "wood": "Wood",
    "plastics": "Plastic",
    "composites": "Composite_material",
    "textiles": "Textile",
    "leather": "Leather",
    "glass": "Glass",
    "ceramics": "Ceramic",
    "paper": "Paper",
    "food": "Food",
    "electronics": "Electronic_component",
}

# Further articles read on import (OKW's defined list and common neighbours) → Maillage material.
MATERIAL_ALIASES: Final[Mapping[str, str]] = {
    "iron": "steel",
    "carbon steel": "steel",
    "mild steel": "steel",
    "galvanized steel": "steel",
    "galvanised steel": "steel",
    "aluminum": "aluminium",
    "copper alloy": "copper_alloys",
    "copper alloys": "copper_alloys",
    "brass": "copper_alloys",
    "bronze": "copper_alloys",
    "zinc": "other_metals",
    "titanium": "other_metals",
    "tin": "other_metals",
    "lead": "other_metals",
    "softwood": "wood",
    "hardwood": "wood",
    "medium density fibreboard": "wood",
    "plywood": "wood",
    "particle board": "wood",
    "high density polyethylene": "plastics",
    "polylactic acid": "plastics",
    "acrylonitrile butadiene styrene": "plastics",
    "polyethylene terephthalate": "plastics",
    "cellulose acetate": "plastics",
    "polyvinyl chloride": "plastics",
    "nylon": "plastics",
    "polycarbonate": "plastics",
    "polypropylene": "plastics",
    "acrylic": "plastics",
    "poly methyl methacrylate": "plastics",
    "natural rubber": "plastics",
    "thermoplastic polyurethane": "plastics",
    "silicone": "plastics",
    "resin": "plastics",
    "carbon fiber reinforced polymer": "composites",
    "fibre reinforced plastic": "composites",
    "clay": "ceramics",
    "geopolymer": "ceramics",
    "concrete": "ceramics",
    "rock geology": "ceramics",
    "stone": "ceramics",
    "cardboard": "paper",
    "printed circuit board": "electronics",
    # OKW 1.0 links "PCBs" to this article by mistake; read it as it was meant.
    "polychlorinated biphenyl": "electronics",
}

CONDITION_TEXT: Final[Mapping[str, str]] = {
    "as_new": "As new",
    "good": "Good",
    "worn": "Worn",
    "needs_repair": "Needs repair",
    "out_of_order": "Out of order",
}
CONDITION_ALIASES: Final[Mapping[str, str]] = {
    "new": "as_new",
    "excellent": "as_new",
    "fair": "worn",
    "used": "worn",
    "poor": "needs_repair",
    "broken": "out_of_order",
}

TOLERANCE_WORDS: Final[Mapping[str, str]] = {
    "fine": "f",
    "medium": "m",
    "coarse": "c",
    "very coarse": "v",
}
TOLERANCE = re.compile(r"(?:iso\s*2768(?:\s*-\s*1)?\s*[-:\s]\s*)?([fmcv])[hkl]?", re.IGNORECASE)
WIKIDATA_ITEM = re.compile(
    r"(?:https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/|wd:)?(Q[1-9][0-9]*)",
    re.IGNORECASE,
)
WIKIPEDIA_ARTICLE = re.compile(
    r"https?://([a-z][a-z-]*)\.(?:m\.)?wikipedia\.org/wiki/([^?#]+)(?:#.*)?"
)
PROCESS_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}")
POSTCODE_CITY = re.compile(r"\b(\d{5})\s+([^,\d][^,]*)")
COUNTRY_NAMES: Final[Mapping[str, str]] = {"france": "FR", "republique francaise": "FR"}


def parse_process_ref(text: str, path: str) -> ProcessRef:
    """A process reference: Wikidata item (URL or Q-id), Wikipedia article URL or our code."""
    value = text.strip()
    if value.lower().startswith(PROCESS_URN_PREFIX):
        code = value[len(PROCESS_URN_PREFIX) :].strip()
        if PROCESS_CODE.fullmatch(code):
            return ProcessRef("maillage", code)
    elif match := WIKIDATA_ITEM.fullmatch(value):
        return ProcessRef("wikidata", match.group(1).upper())
    elif match := WIKIPEDIA_ARTICLE.fullmatch(value):
        title = unquote(match.group(2)).replace("_", " ").strip()
        if title:
            return ProcessRef("wikipedia", title, match.group(1).lower())
    raise OkwError(
        path,
        f"Unknown process reference “{value}”: give a Wikidata item "
        f"({WIKIDATA_URL}Q…), a Wikipedia article URL or {PROCESS_URN_PREFIX}<code>.",
    )


def material_code(text: str) -> str | None:
    """Our material for an OKW material type (Wikipedia URL, article title or our code)."""
    value = text.strip()
    if value.lower().startswith(MATERIAL_URN_PREFIX):
        value = value[len(MATERIAL_URN_PREFIX) :]
    if value in MATERIAL_ARTICLES:
        return value
    match = WIKIPEDIA_ARTICLE.fullmatch(value)
    title = unquote(match.group(2)) if match else value
    key = fold_key(title)
    for code, article in MATERIAL_ARTICLES.items():
        if fold_key(article) == key:
            return code
    return MATERIAL_ALIASES.get(key)


def condition_code(text: str) -> str | None:
    key = fold_key(text)
    for code, label in CONDITION_TEXT.items():
        if key in (fold_key(code), fold_key(label)):
            return code
    return CONDITION_ALIASES.get(key)


def tolerance_code(text: str) -> str | None:
    value = text.strip()
    if fold_key(value) in TOLERANCE_WORDS:
        return TOLERANCE_WORDS[fold_key(value)]
    match = TOLERANCE.fullmatch(value)
    return match.group(1).lower() if match else None


def guess_kind(facility: Facility) -> str | None:
    """The kind of organisation the document implies, when it names no `maillage_kind`.

    OKW suggests affiliations carry the facility type (affiliated with fablabs.io → a fab lab).
    """
    if facility.owner and facility.owner.kind:
        return facility.owner.kind
    for agent in facility.affiliations:
        text = f"{agent.name} {agent.website}".lower()
        if any(k in text for k in ("fablabs.io", "fablabs.org", "fab foundation", "fab lab")):
            return "fablab"
        if any(k in text for k in ("hackerspaces.org", "makerspace", "hackerspace")):
            return "fablab"
        if any(k in text for k in ("repaircafe", "repair café", "repair cafe")):
            return "reuse_repair"
    return None


def title_of(url: str) -> str:
    match = WIKIPEDIA_ARTICLE.fullmatch(url.strip())
    return unquote(match.group(2)).replace("_", " ").strip() if match else ""


def fold_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())

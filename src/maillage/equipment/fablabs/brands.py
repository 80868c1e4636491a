"""Brands and machine names of fablabs.io exports: known spellings merged, brand split off."""

from __future__ import annotations

import re
from collections.abc import Iterable

from maillage.equipment.fablabs.rows import MODEL_MAX, NAME_MAX
from maillage.equipment.fablabs.text import NOT_A_VALUE, clean_text, title_case

# Display name → spellings seen (case-folded, legal suffixes removed by normalise_brand).
BRAND_ALIASES: dict[str, tuple[str, ...]] = {
    "Ultimaker": ("ultimaker", "ultimaker b.v.", "ultimaker bv"),
    "Prusa Research": ("prusa", "prusa research", "original prusa", "prusa3d", "josef prusa"),
    "Trotec": ("trotec", "trotec laser"),
    "Epilog": ("epilog", "epilog laser"),
    "Roland DG": ("roland", "roland dg", "roland dga"),
    "ShopBot": ("shopbot", "shopbot tools", "shop bot"),
    "Formlabs": ("formlabs", "form labs"),
    "MakerBot": ("makerbot", "makerbot industries", "maker bot"),
    "3D Systems": ("3d systems", "3dsystems", "3d system"),
    "Creality": ("creality", "creality 3d", "creality3d"),
    "Stratasys": ("stratasys",),
    "Silhouette": ("silhouette", "silhouette america"),
    "Full Spectrum Laser": ("full spectrum laser", "full spectrum", "fsl"),
    "Universal Laser Systems": ("universal laser systems", "universal laser", "uls"),
    "Graphtec": ("graphtec",),
    "BCN3D": ("bcn3d", "bcn3d technologies", "bcn 3d"),
    "Raise3D": ("raise3d", "raise 3d"),
    "Tevo": ("tevo", "tevo 3d technologies"),
    "Sindoh": ("sindoh", "sindoh 3d wox"),
    "Dremel": ("dremel", "dremel digilab"),
    "Other Machine Co.": ("other machine co", "other machine co.", "othermachine"),
    "Artec 3D": ("artec 3d", "artec"),
    "Shining 3D": ("shining3d", "shining 3d"),
    "XYZprinting": ("xyzprinting", "xyz"),
    "WASP": ("wasp",),
    "BQ": ("bq",),
    "GW Instek": ("gw instek",),
    "LPKF": ("lpkf",),
    "HP": ("hp",),
    "GCC": ("gcc",),
    "DJI": ("dji",),
    "HTC": ("htc",),
    "ABB": ("abb",),
    "KUKA": ("kuka",),
    "ZMorph": ("zmorph",),
    "RepRap": ("reprap",),
    "LulzBot": ("lulzbot",),
    "Anycubic": ("anycubic", "any cubic"),
    "Bambu Lab": ("bambu", "bambu lab"),
    "Tiertime": ("tiertime", "tier time"),
    "Qidi": ("qidi", "qidi tech"),
    "Pocket NC": ("pocket nc", "pocketnc"),
    "Perfect Laser": ("perfect laser",),
    "Shaper": ("shaper", "shaper tools"),
    "Zortrax": ("zortrax",),
    "Markforged": ("markforged",),
    "Inventables": ("inventables",),
    "Brother": ("brother",),
    "Microsoft": ("microsoft",),
}
_ALIAS_TO_BRAND: dict[str, str] = {
    alias: display for display, aliases in BRAND_ALIASES.items() for alias in aliases
}
# Words people type in the brand column when they do not know it.
NOT_A_BRAND = NOT_A_VALUE | {"unknown", "unknow", "generic", "other", "cnc", "diy", "homemade"}
_LEGAL_SUFFIX = re.compile(
    r"[,\s]+(inc|ltd|llc|gmbh|corp|corporation|co|b\.?v|s\.?a|s\.?l|s\.?r\.?l|ag)\.?$"
)


def normalise_brand(raw: str) -> str:
    """The brand's display name: known spellings merged, others title-cased, unknowns empty."""
    key = _brand_key(raw)
    if key in NOT_A_BRAND or key.startswith("homemade"):
        return ""
    return _ALIAS_TO_BRAND.get(key) or title_case(clean_text(_LEGAL_SUFFIX.sub("", raw.strip())))


def _brand_key(raw: str) -> str:
    key = clean_text(raw).casefold()
    return _LEGAL_SUFFIX.sub("", key).strip(" ,.")


def brand_spellings(display: str, raw: str = "") -> list[str]:
    """Every way the brand may open a machine name, longest first."""
    spellings = {a for a, d in _ALIAS_TO_BRAND.items() if d == display}
    spellings |= {display.casefold(), _brand_key(raw)}
    return sorted((s for s in spellings if s), key=len, reverse=True)


def brand_in_name(name: str) -> str:
    """A known brand the name opens with ("ultimaker 2" → "Ultimaker"), or ''."""
    folded = name.casefold()
    for alias in sorted(_ALIAS_TO_BRAND, key=len, reverse=True):
        if _starts_with_word(folded, alias):
            return _ALIAS_TO_BRAND[alias]
    return ""


def _starts_with_word(text: str, prefix: str) -> bool:
    return text.startswith(prefix) and (len(text) == len(prefix) or not text[len(prefix)].isalnum())


def split_name(raw_name: str, raw_brand: str) -> tuple[str, str, str]:
    """(name, make, model) from a fablabs.io name that may repeat the brand.

    "makerbot z18" by "makerbot industries" → ("MakerBot z18", "MakerBot", "z18").
    """
    text = clean_text(raw_name)
    make = normalise_brand(raw_brand) or brand_in_name(text)
    model = text
    for spelling in brand_spellings(make, raw_brand) if make else []:
        if _starts_with_word(model.casefold(), spelling):
            model = model[len(spelling) :].strip(" -–:,/")
            break
    if not make:
        name = model
    elif not model:
        name = make
    elif _contains_word(model.casefold(), brand_spellings(make, raw_brand)):
        name = model  # "3D Printer (Creality CR 20)" already names its brand
    else:
        name = f"{make} {model}"
    return name[:NAME_MAX], make[:MODEL_MAX], model[:MODEL_MAX].strip()


def _contains_word(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)

"""From an OKH part (technology codes, material, size) to processes and a material family.

Pure: no Django. The codes returned are those of `equipment/data/processes.csv`; the material
families are the values of `equipment.models.Material`.

The OKH technology codes (`tsdc`, DIN SPEC 3105 "technology-specific documentation criteria")
name what the documentation must hold, not how the part is made, so the mapping decides:

- 3DP (3D printing): additive manufacturing; the material picks the branch where it can
  (PLA, ABS, PETG, TPU… filaments: material extrusion AM.3; resins: vat photopolymerisation
  AM.7; metal or nylon powders: powder bed fusion AM.5); otherwise AM.
- CNC: a wooden part goes to the CNC router (WOOD.3.1), solid or sheet. Any other part that is a
  sheet (its thinnest side at most 12 mm and both others at least 5 times that) is cut: on the
  CNC router for plastics and composites (WOOD.3.1), by water jet for metals (3.3.6.1). Anything
  else is milled (3.2.3).
- PCB: electronics assembly (ELEC.2); bare boards are usually ordered from a board maker, a hand
  correction may add PCB fabrication (ELEC.1).
- LAS / LASER: laser cutting (3.4.1.1). WEL / WELD: welding (4.6). SOL: soldering (4.7.1).
  SHM / SMF (sheet metal): press-brake bending (2.4.1.1). CAS / CAST: casting (1.1.1).
  INJ: injection moulding (1.2.2). SEW / TEX: sewing (TEX.2).
- COT (commercial off-the-shelf): bought, no process. A part whose only process-bearing code is
  COT is off the shelf; with another code (OHLOOM's wooden parts say ["CNC", "COT"]: made from
  stock wood) the other code's processes apply and the part is made.
- MEC, ELE, STD, ASM, OPT, SW and unknown codes name documentation, not a process: nothing.
"""

from __future__ import annotations

import re

from maillage.designs.okh import Dimensions

OFF_THE_SHELF = "COT"
SHEET_MAX_THICKNESS_MM = 12.0
SHEET_RATIO = 5.0

# Codes that always give the same processes whatever the material.
FIXED = {
    "PCB": ("ELEC.2",),
    "LAS": ("3.4.1.1",),
    "LASER": ("3.4.1.1",),
    "WEL": ("4.6",),
    "WELD": ("4.6",),
    "SOL": ("4.7.1",),
    "SHM": ("2.4.1.1",),
    "SMF": ("2.4.1.1",),
    "CAS": ("1.1.1",),
    "CAST": ("1.1.1",),
    "INJ": ("1.2.2",),
    "SEW": ("TEX.2",),
    "TEX": ("TEX.2",),
}

# Words of a material as written → a family of `equipment.models.Material`. First match wins,
# so the more specific words come first (stainless before steel, plywood before wood).
MATERIAL_WORDS: tuple[tuple[str, str], ...] = (
    (r"stainless|inox|1\.4301|a2-70|a4", "stainless"),
    (r"alu|aluminium|aluminum|al6061|6061|7075|5754", "aluminium"),
    (r"brass|bronze|copper|laiton|cuivre", "copper_alloys"),
    (r"steel|acier|s235|s355|iron|fer", "steel"),
    (r"titanium|zinc|tin|lead|metal", "other_metals"),
    (r"carbon|cfrp|gfrp|fibreglass|fiberglass|fr-?4|composite", "composites"),
    (
        r"wood|plywood|mdf|osb|hdf|birch|beech|oak|pine|spruce|bamboo|bois|contreplaqu|"
        r"h[eê]tre|ch[eê]ne|timber|lumber",
        "wood",
    ),
    (
        r"pla|abs|petg|pet|tpu|tpe|asa|nylon|pa6|pa12|pa|pc|polycarbonate|pom|acrylic|pmma|"
        r"plexi|hdpe|ldpe|pe|pp|pvc|ptfe|resin|r[ée]sine|plastic|plastique|polymer",
        "plastics",
    ),
    (r"glass|verre", "glass"),
    (r"cotton|textile|fabric|wool|linen|coton|tissu|laine|felt", "textiles"),
    (r"leather|cuir", "leather"),
    (r"ceramic|c[ée]ramique|stone|pierre|concrete|b[ée]ton|porcelain|clay", "ceramics"),
    (r"paper|cardboard|carton|papier", "paper"),
    (r"electronic|component|composant", "electronics"),
)
FILAMENTS = r"pla|abs|petg|pet|tpu|tpe|asa|pc|hips|filament"
RESINS = r"resin|r[ée]sine|photopolymer"
POWDERS = r"pa12|pa11|powder|poudre|nylon|metal|steel|alu|titanium|inconel"


def material_family(material: str) -> str:
    """The `Material` value for a material as written, or "" when none fits."""
    for pattern, family in MATERIAL_WORDS:
        if _matches(pattern, material):
            return family
    return ""


def _matches(pattern: str, material: str) -> bool:
    """Does a word of the material match one of the pattern's alternatives? Short ones (pa, pe,
    pc, fer…) must be the whole word; stems of 4 letters or more may start a longer word."""
    words = re.findall(r"[a-z0-9.\-éèêàç]+", material.lower())
    for alternative in pattern.split("|"):
        regex = re.compile(alternative)
        for word in words:
            match = regex.match(word)
            if match and (match.end() == len(word) or match.end() >= 4):
                return True
    return False


def is_sheet(dimensions: Dimensions | None) -> bool:
    if dimensions is None:
        return False
    thickness, middle, _largest = sorted(dimensions)
    return 0 < thickness <= SHEET_MAX_THICKNESS_MM and middle >= SHEET_RATIO * thickness


def is_off_the_shelf(tsdc: tuple[str, ...]) -> bool:
    """COT and no code that gives a process: bought, not made."""
    codes = {code.upper() for code in tsdc}
    return OFF_THE_SHELF in codes and not any(
        code in FIXED or code in ("3DP", "CNC") for code in codes
    )


def process_codes(
    tsdc: tuple[str, ...], material: str = "", dimensions: Dimensions | None = None
) -> tuple[str, ...]:
    """The process codes a part needs, in the order of its technology codes, without repeats."""
    if is_off_the_shelf(tsdc):
        return ()
    family = material_family(material)
    found: list[str] = []
    for code in (c.upper() for c in tsdc):
        if code == "3DP":
            if _matches(RESINS, material):
                found.append("AM.7")
            elif _matches(FILAMENTS, material):
                found.append("AM.3")
            elif _matches(POWDERS, material):
                found.append("AM.5")
            else:
                found.append("AM")
        elif code == "CNC":
            if family == "wood" or (is_sheet(dimensions) and family in ("plastics", "composites")):
                found.append("WOOD.3.1")
            elif is_sheet(dimensions) and family in (
                "steel",
                "stainless",
                "aluminium",
                "copper_alloys",
                "other_metals",
            ):
                found.append("3.3.6.1")
            else:
                found.append("3.2.3")
        else:
            found.extend(FIXED.get(code, ()))
    return tuple(dict.fromkeys(found))

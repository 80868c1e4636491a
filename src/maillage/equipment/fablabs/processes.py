"""Which process of our taxonomy a fablabs.io class, type or machine name stands for."""

from __future__ import annotations

import re

from maillage.equipment.fablabs.text import clean_text

# Resin and powder printers among fablabs.io's "three_d_printer" class (README of the data).
PRINTER_REFINEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bformlabs\b|\bform ?[1-4]\b|\bsla\b|\bdlp\b|resin|photon|peopoly"), "AM.7"),
    (re.compile(r"\bsls\b|sintratec|\bfuse ?1\b"), "AM.5"),
    (re.compile(r"zcorp|z ?printer|\bcjp\b|projet ?[0-9]{3}"), "AM.1"),
    (re.compile(r"\bobjet|polyjet|\bj7[0-9]{2}\b"), "AM.4"),
)
# Machines of fablabs.io's "other" class whose name tells the process; first match wins.
NAME_PROCESSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"oscillo|function generator|power supply|picoscope|multimeter|\botii\b"),
        "MEAS.4",
    ),
    (re.compile(r"reflow"), "ELEC.2.2"),
    (re.compile(r"pick and place|pick ?& ?place"), "ELEC.2.1"),
    (re.compile(r"solder"), "ELEC.2.3"),
    (re.compile(r"heat ?press|prensa termica|hotronix|sublimation|holipress"), "TEX.5"),
    (re.compile(r"knit|kniterate|\bkh ?9[0-9]{2}\b"), "TEX.3"),
    (re.compile(r"embroider|bordad|\bpe ?-?[0-9]{3}\b|\bpr ?-?6[0-9]{2}\b"), "TEX.4"),
    (re.compile(r"sewing|singer|innov ?-?'?is|inovis|\bnv ?[0-9]{2,4}"), "TEX.2"),
    (re.compile(r"vacuum form|formbox|formech|thermoform"), "2.2.2"),
    (re.compile(r"water ?jet|wazer"), "3.3.6.1"),
    (re.compile(r"scanner|\bscan\b|ciclop|nextengine|carmine"), "MEAS.2"),
    (re.compile(r"plasma"), "3.4.1.3"),
    (re.compile(r"engrav.*laser|laser.*engrav"), "3.4.1.2"),
    (re.compile(r"laser cut|lasercut|\blaser\b|epilog|trotec"), "3.4.1.1"),
    (re.compile(r"vinyl|plotter"), "3.1.2.1"),
    (re.compile(r"\bcmm\b"), "MEAS.1.1"),
    (re.compile(r"microscope"), "MEAS.1"),
    (re.compile(r"3d print|printer 3d|fdm|fortus|stratasys"), "AM.3"),
    (re.compile(r"hot ?wire|styrocut|foam ?cut"), "3.4.1"),
    (re.compile(r"band ?saw|table saw|serra|circular saw|mitre saw|miter saw"), "WOOD.1"),
    (re.compile(r"\blathe\b|\bpd ?400\b|\btorno\b"), "3.2.1"),
    (re.compile(r"\bcnc router\b|\brouter\b"), "WOOD.3.1"),
    (re.compile(r"\bmill(ing)?\b|\bmiller\b|fresadora"), "3.2.3"),
    (re.compile(r"bending|press brake|plegadora"), "2.4"),
    (re.compile(r"blast cabinet|sandblast"), "3.6.1"),
    (re.compile(r"furnace|\bkiln\b"), "6.4"),
    (re.compile(r"texart|surecolor|large format print"), "5.1.6"),
)
# Machine classes that are computer-controlled machine tools (the scanner is a sensor).
COMPUTER_CONTROLLED_CLASSES = frozenset(
    {
        "three_d_printer",
        "cnc_milling",
        "laser",
        "precision_milling",
        "vinyl_cutting",
        "circuit_production",
    }
)
ENVELOPE_PROCESSES: dict[tuple[str, str], str] = {
    ("3d_printer", "fdm"): "AM.3",
    ("3d_printer", "ceramic_extrusion"): "AM.3",
    ("3d_printer", "sla"): "AM.7",
    ("3d_printer", "wax"): "AM.4",
    ("3d_printer", ""): "AM.3",
    ("laser", "cutter"): "3.4.1.1",
    ("laser", "engraver"): "3.4.1.2",
    ("laser", ""): "3.4.1.1",
    ("cnc", "router"): "WOOD.3.1",
    ("cnc", "milling"): "3.2.3",
    ("cnc", "lathe"): "3.2.1",
    ("cnc", "plasma"): "3.4.1.3",
    ("cnc", "metal_sheet_bending"): "2.4.1.1",
    ("vinyl", "cutter"): "3.1.2.1",
    ("vinyl", ""): "3.1.2.1",
}
# Types whose process does not depend on the sub-type.
ENVELOPE_TYPE_PROCESSES: dict[str, str] = {"3d_scanner": "MEAS.2"}
COMPUTER_CONTROLLED_TYPES = frozenset({"3d_printer", "laser", "cnc", "vinyl"})


def guess_process(text: str) -> str:
    """The process a machine's name names ("heat press" → TEX.5), or ''."""
    folded = clean_text(text).casefold()
    return next((code for pattern, code in NAME_PROCESSES if pattern.search(folded)), "")


def refine_printer(code: str, text: str) -> str:
    """Resin, powder and jetting printers get their own additive category."""
    folded = clean_text(text).casefold()
    return next((c for pattern, c in PRINTER_REFINEMENTS if pattern.search(folded)), code)


def all_process_codes() -> set[str]:
    """Every code this module may hand out, for the test that they all exist."""
    codes = {code for _pattern, code in (*NAME_PROCESSES, *PRINTER_REFINEMENTS)}
    return codes | set(ENVELOPE_PROCESSES.values()) | set(ENVELOPE_TYPE_PROCESSES.values())

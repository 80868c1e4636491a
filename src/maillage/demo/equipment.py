"""A deterministic, plausible machine park for the demo territory (about 400 machines)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from maillage.directory.models import Organisation, OrganisationKind
from maillage.equipment.actions import MachineInput, save_machine
from maillage.equipment.models import Condition, Machine, MachineStatus


@dataclass(frozen=True)
class Template:
    name: str
    makes: tuple[tuple[str, str], ...]
    processes: tuple[str, ...]
    materials: tuple[str, ...]
    envelope: tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None
    power_kw: tuple[float, float]
    computer_controlled: bool
    tolerance: str = ""


T = Template
METAL = ("steel", "stainless", "aluminium")
TEMPLATES = {
    "lathe": T(
        "Tour conventionnel",
        (("Cazeneuve", "HB 575"), ("Ernault Somua", "Cholet")),
        ("3.2.1",),
        (*METAL, "copper_alloys"),
        ((600, 1500), (250, 400), (250, 400)),
        (4, 11),
        False,
        "m",
    ),
    "cnc_lathe": T(
        "Tour CN",
        (("Haas", "ST-10"), ("Mazak", "QT 200")),
        ("3.2.1", "3.2.2"),
        METAL,
        ((300, 600), (200, 350), (200, 350)),
        (11, 22),
        True,
        "f",
    ),
    "mill": T(
        "Fraiseuse universelle",
        (("Huron", "MU 6"), ("Deckel", "FP4")),
        ("3.2.3", "3.2.2"),
        METAL,
        ((600, 1000), (300, 500), (350, 500)),
        (4, 7.5),
        False,
        "m",
    ),
    "cnc_mill": T(
        "Centre d'usinage 3 axes",
        (("Haas", "VF-2"), ("DMG Mori", "CMX 600")),
        ("3.2.3", "3.2.2"),
        (*METAL, "plastics"),
        ((600, 1000), (400, 600), (400, 500)),
        (15, 22),
        True,
        "f",
    ),
    "press_brake": T(
        "Presse plieuse",
        (("Amada", "HFE 100"), ("LVD", "PPEB 80")),
        ("2.4.1.1",),
        METAL,
        ((2000, 3100), (200, 400), (100, 200)),
        (7.5, 15),
        True,
        "m",
    ),
    "shear": T(
        "Cisaille guillotine",
        (("Promecam", "RG 31"), ("Haco", "TS 3006")),
        ("3.1.1",),
        METAL,
        ((2000, 3100), (1, 6), (1, 6)),
        (5.5, 11),
        False,
        "c",
    ),
    "laser": T(
        "Découpe laser CO2",
        (("Trotec", "Speedy 400"), ("Epilog", "Fusion Pro 32")),
        ("3.4.1.1", "3.4.1.2"),
        ("wood", "plastics", "paper", "textiles", "leather"),
        ((600, 1000), (300, 610), (10, 30)),
        (0.1, 0.15),
        True,
    ),
    "fiber_laser": T(
        "Découpe laser fibre",
        (("Trumpf", "TruLaser 3030"), ("Bystronic", "ByStar")),
        ("3.4.1.1",),
        METAL,
        ((3000, 3000), (1500, 1500), (20, 25)),
        (20, 40),
        True,
        "m",
    ),
    "plasma": T(
        "Table de découpe plasma",
        (("Hypertherm", "Powermax 85"), ("Kjellberg", "HiFocus")),
        ("3.4.1.3",),
        METAL,
        ((1500, 3000), (1500, 2000), (20, 40)),
        (10, 20),
        True,
        "c",
    ),
    "mig": T(
        "Poste à souder MIG/MAG",
        (("Lincoln", "Powertec 305"), ("Fronius", "TransSteel 3500")),
        ("4.6.2.1.2",),
        ("steel", "stainless", "aluminium"),
        None,
        (8, 15),
        False,
    ),
    "tig": T(
        "Poste à souder TIG",
        (("Miller", "Dynasty 210"), ("ESAB", "Rogue ET 230")),
        ("4.6.2.1.3",),
        ("steel", "stainless", "aluminium"),
        None,
        (5, 9),
        False,
    ),
    "saw": T(
        "Scie à ruban métal",
        (("Kasto", "Twin A"), ("Behringer", "HBP 263")),
        ("3.2.6",),
        METAL,
        ((260, 400), (260, 400), (260, 400)),
        (1.5, 3),
        False,
        "c",
    ),
    "powder": T(
        "Cabine de thermolaquage",
        (("Gema", "OptiFlex"), ("Wagner", "Sprint")),
        ("5.4.2",),
        METAL,
        ((2000, 4000), (1500, 2000), (1500, 2000)),
        (15, 40),
        False,
    ),
    "printer": T(
        "Imprimante 3D FDM",
        (("Prusa", "MK4"), ("Ultimaker", "S5"), ("Raise3D", "Pro3")),
        ("AM.3",),
        ("plastics",),
        ((200, 330), (200, 300), (200, 300)),
        (0.2, 0.4),
        True,
    ),
    "sla": T(
        "Imprimante 3D résine",
        (("Formlabs", "Form 3"), ("Elegoo", "Saturn 3")),
        ("AM.7",),
        ("plastics",),
        ((145, 220), (130, 145), (185, 250)),
        (0.1, 0.2),
        True,
    ),
    "router": T(
        "Défonceuse CNC",
        (("ShopBot", "PRSalpha"), ("Mekanika", "Evo")),
        ("WOOD.3.1",),
        ("wood", "plastics", "aluminium"),
        ((1200, 2500), (1200, 1250), (100, 200)),
        (2.2, 6),
        True,
        "c",
    ),
    "panel_saw": T(
        "Scie à panneaux",
        (("Felder", "K 700"), ("SCM", "SI 350")),
        ("WOOD.1",),
        ("wood",),
        ((2500, 3200), (1200, 1500), (60, 100)),
        (4, 5.5),
        False,
    ),
    "planer": T(
        "Dégauchisseuse-raboteuse",
        (("Hammer", "A3 31"), ("Kity", "439")),
        ("WOOD.2.1", "WOOD.2.2"),
        ("wood",),
        ((1400, 2000), (300, 410), (200, 250)),
        (3, 4),
        False,
    ),
    "wood_lathe": T(
        "Tour à bois",
        (("Record Power", "CL4"), ("Holzprofi", "DB1100")),
        ("WOOD.4",),
        ("wood",),
        ((900, 1100), (300, 400), (300, 400)),
        (0.75, 1.5),
        False,
    ),
    "sewing": T(
        "Machine à coudre industrielle",
        (("Juki", "DDL-8700"), ("Brother", "S-7250")),
        ("TEX.2",),
        ("textiles", "leather"),
        None,
        (0.4, 0.6),
        False,
    ),
    "embroidery": T(
        "Brodeuse numérique",
        (("Tajima", "TMBR"), ("Brother", "PR1055X")),
        ("TEX.4",),
        ("textiles",),
        ((360, 500), (200, 360), (10, 20)),
        (0.2, 0.4),
        True,
    ),
    "vinyl": T(
        "Plotter de découpe vinyle",
        (("Roland", "CAMM-1 GS-24"), ("Graphtec", "CE7000")),
        ("3.1.2.1",),
        ("plastics", "paper"),
        ((580, 1300), (20000, 50000), (1, 2)),
        (0.1, 0.2),
        True,
    ),
    "pcb": T(
        "Fraiseuse de circuits imprimés",
        (("LPKF", "ProtoMat S64"), ("Bantam", "Desktop")),
        ("ELEC.1.1", "3.2.3.1"),
        ("electronics", "copper_alloys"),
        ((150, 230), (100, 300), (20, 35)),
        (0.2, 0.5),
        True,
        "f",
    ),
    "reflow": T(
        "Four de refusion",
        (("Essemtec", "RO300FC"), ("Puhui", "T-962A")),
        ("ELEC.2.2",),
        ("electronics",),
        ((300, 400), (280, 300), (30, 50)),
        (1.5, 4),
        True,
    ),
    "soldering": T(
        "Station de soudage électronique",
        (("Weller", "WT 1014"), ("JBC", "CD-2BQF")),
        ("ELEC.2.3", "4.7.1"),
        ("electronics",),
        None,
        (0.1, 0.2),
        False,
    ),
    "pasteuriser": T(
        "Pasteurisateur autoconstruit",
        (("Atelier du réseau", "Plan libre v2"),),
        ("FOOD.4",),
        ("food",),
        ((600, 800), (600, 800), (900, 1100)),
        (9, 18),
        False,
    ),
    "bottle_washer": T(
        "Laveuse de bouteilles consignées",
        (("Atelier du réseau", "Ligne L1"),),
        ("FOOD.10", "FOOD.1"),
        ("glass",),
        ((1500, 2500), (800, 1000), (1200, 1500)),
        (6, 12),
        True,
    ),
    "filler": T(
        "Remplisseuse-boucheuse",
        (("Enolmatic", "Tenco"), ("Gai", "Monoblock")),
        ("FOOD.6", "FOOD.7"),
        ("food", "glass"),
        None,
        (0.5, 3),
        False,
    ),
    "oven": T(
        "Four de traitement thermique",
        (("Nabertherm", "N 41/H"), ("Carbolite", "ELF")),
        ("6.2.1", "6.2.2", "6.2.4"),
        METAL,
        ((350, 500), (350, 500), (250, 400)),
        (9, 15),
        True,
    ),
    "cmm": T(
        "Machine à mesurer tridimensionnelle",
        (("Hexagon", "Global S"), ("Zeiss", "Contura")),
        ("MEAS.1.1",),
        (*METAL, "plastics"),
        ((500, 900), (500, 1500), (400, 800)),
        (0.5, 1),
        True,
        "f",
    ),
    "scanner": T(
        "Scanner 3D",
        (("Creaform", "Go!SCAN"), ("Shining 3D", "EinScan")),
        ("MEAS.2",),
        (*METAL, "plastics", "wood"),
        None,
        (0.05, 0.1),
        True,
    ),
    "bench": T(
        "Banc de diagnostic et réparation",
        (("Atelier du réseau", "Établi équipé"),),
        ("REP.1", "REP.3"),
        ("electronics", "steel", "plastics"),
        None,
        (1, 3),
        False,
    ),
}

PARKS = {
    OrganisationKind.SME: [
        "lathe",
        "cnc_lathe",
        "mill",
        "cnc_mill",
        "press_brake",
        "shear",
        "fiber_laser",
        "plasma",
        "mig",
        "tig",
        "saw",
        "powder",
        "oven",
        "router",
        "panel_saw",
    ],
    OrganisationKind.FABLAB: [
        "printer",
        "printer",
        "sla",
        "laser",
        "router",
        "vinyl",
        "pcb",
        "soldering",
        "embroidery",
        "scanner",
        "reflow",
    ],
    OrganisationKind.COLLECTIVE_WORKSHOP: [
        "panel_saw",
        "planer",
        "wood_lathe",
        "router",
        "mig",
        "tig",
        "mill",
        "lathe",
        "sewing",
        "laser",
        "printer",
        "saw",
    ],
    OrganisationKind.REUSE_REPAIR: [
        "bench",
        "bench",
        "mig",
        "sewing",
        "soldering",
        "saw",
        "printer",
    ],
    OrganisationKind.TECHNICAL_CENTRE: [
        "cmm",
        "scanner",
        "cnc_mill",
        "oven",
        "printer",
        "sla",
        "fiber_laser",
    ],
    OrganisationKind.RESEARCH_LAB: [
        "cmm",
        "sla",
        "printer",
        "scanner",
        "pcb",
        "reflow",
        "pasteuriser",
    ],
    OrganisationKind.TRAINING_BODY: [
        "lathe",
        "mill",
        "mig",
        "tig",
        "press_brake",
        "panel_saw",
        "sewing",
    ],
    OrganisationKind.CLUSTER: ["scanner"],
    OrganisationKind.PUBLIC_BODY: [],
    OrganisationKind.COOPERATION_NETWORK: ["pasteuriser", "bottle_washer", "filler", "bench"],
}
SIZE = {OrganisationKind.SME: (5, 9), OrganisationKind.COLLECTIVE_WORKSHOP: (7, 11)}
CONDITIONS = (
    [Condition.AS_NEW]
    + [Condition.GOOD] * 5
    + [Condition.WORN] * 3
    + [
        Condition.NEEDS_REPAIR,
        Condition.OUT_OF_ORDER,
    ]
)


def load_equipment_demo(seed: int = 2026) -> int:
    """Give each demo organisation a machine park; idempotent through each machine's source key."""
    created = 0
    organisations = Organisation.objects.filter(slug__startswith="demo-").order_by("slug")
    existing = set(Machine.objects.filter(source="demo").values_list("source_ref", flat=True))
    for organisation in organisations:
        # One generator per organisation: its park does not depend on the others'.
        rng = random.Random(f"{seed}:{organisation.slug}")
        park = PARKS[OrganisationKind(organisation.kind)]
        low, high = SIZE.get(OrganisationKind(organisation.kind), (2, 6))
        count = min(len(park), rng.randint(low, high)) if park else 0
        chosen = rng.sample(park, count) if count else []
        sites = list(organisation.sites.all())
        for index, key in enumerate(chosen):
            template = TEMPLATES[key]
            make, model = rng.choice(template.makes)
            condition = rng.choice(CONDITIONS)
            ref = f"{organisation.slug}:{index}:{key}"
            # Draw every number even for existing machines, so the sequence stays the same.
            envelope = (
                [rng.randint(a, b) for a, b in template.envelope] if template.envelope else None
            )
            power = round(rng.uniform(*template.power_kw), 2)
            year = rng.randint(1978, 2024)
            site = rng.choice(sites)
            serial = f"SN-{rng.randint(10000, 99999)}"
            if ref in existing:
                continue
            status = {
                Condition.OUT_OF_ORDER: MachineStatus.DOWN,
                Condition.NEEDS_REPAIR: MachineStatus.DEGRADED,
            }.get(condition, MachineStatus.OPERATIONAL)
            machine = Machine(organisation=organisation, source="demo", source_ref=ref)
            save_machine(
                machine,
                MachineInput(
                    name=f"{template.name} {make}",
                    site_id=site.pk,
                    make=make,
                    model=model,
                    serial_number=serial,
                    year=year,
                    process_codes=list(template.processes),
                    materials=list(template.materials),
                    envelope_x_mm=envelope[0] if envelope else None,
                    envelope_y_mm=envelope[1] if envelope else None,
                    envelope_z_mm=envelope[2] if envelope else None,
                    power_kw=power,
                    computer_controlled=template.computer_controlled,
                    tolerance_class=template.tolerance,
                    condition=condition,
                    status=status,
                    notes="Machine fictive de démonstration.",
                ),
            )
            created += 1
    return created

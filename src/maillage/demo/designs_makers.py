"""Demo: a low-tech pasteuriser designed by a demo organisation, entered by hand (no manifest),
with the parts a workshop near Marseille can make and the one it cannot, and two builds of it
in two Alpine valleys with their variations (tiny generated photos)."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass
from uuid import uuid4

from django.core.files.base import ContentFile
from django.db import transaction

from maillage.designs.models import Build, BuildPhoto, Design, DesignPart, PartProcess
from maillage.designs.models.designs import ProcessSource
from maillage.directory.models import Organisation, OrganisationStatus, User
from maillage.equipment.models import Process

SLUG = "pasteurisateur-low-tech-bain-marie"
PUBLISHER_SLUG = "demo-001"


@dataclass(frozen=True)
class DemoPart:
    name: str
    processes: tuple[str, ...]
    material: str = ""
    material_text: str = ""
    quantity: int = 1
    mass_g: float | None = None
    size_mm: tuple[float, float, float] | None = None
    tsdc: str = ""
    off_the_shelf: bool = False


# The sizes are those the machines see: a sheet part as its flat blank, a tube as one length.
PARTS = (
    DemoPart(
        "Cuve inox (flan développé, 1,5 mm)",
        ("3.4.1.1", "2.4.1.1", "4.6.2.1.3"),
        material="stainless",
        material_text="Inox 304L, tôle de 1,5 mm",
        mass_g=7200,
        size_mm=(1500, 320, 1.5),
        tsdc="SHM WEL",
    ),
    DemoPart(
        "Tubes du châssis (acier 30 × 30)",
        ("3.2.6", "4.6.2.1"),
        material="steel",
        material_text="Tube acier carré 30 × 30 × 2",
        quantity=8,
        mass_g=650,
        size_mm=(380, 30, 30),
        tsdc="WEL",
    ),
    DemoPart(
        "Couvercle en bois (contreplaqué 18 mm)",
        ("WOOD.3.1",),
        material="wood",
        material_text="Contreplaqué peuplier 18 mm",
        mass_g=2400,
        size_mm=(620, 420, 18),
        tsdc="CNC",
    ),
    DemoPart(
        "Boîtier du thermostat",
        ("AM.3",),
        material="plastics",
        material_text="PETG",
        mass_g=95,
        size_mm=(120, 80, 55),
        tsdc="3DP",
    ),
    DemoPart(
        "Carte du régulateur (PCB double face)",
        ("ELEC.1.1",),
        material="copper_alloys",
        material_text="FR4 cuivré 35 µm",
        mass_g=30,
        size_mm=(100, 80, 1.6),
        tsdc="PCB",
    ),
    DemoPart(
        "Résistance chauffante 3 kW",
        (),
        material_text="Thermoplongeur inox 230 V",
        mass_g=600,
        tsdc="COT",
        off_the_shelf=True,
    ),
    DemoPart(
        "Sonde de température PT100",
        (),
        mass_g=40,
        tsdc="COT",
        off_the_shelf=True,
    ),
    DemoPart(
        "Robinet de vidange 1/2″",
        (),
        material_text="Laiton",
        mass_g=180,
        tsdc="COT",
        off_the_shelf=True,
    ),
)

FUNCTION = (
    "Pasteurisateur à bain-marie pour bocaux et bouteilles, pour une conserverie de ferme ou "
    "une cuisine collective : une cuve inox chauffée par une résistance, un régulateur "
    "électronique qui tient 72 à 95 °C, un couvercle en bois. Près de Marseille, tout se "
    "fabrique dans les ateliers et fablabs du réseau sauf la cuve : aucune presse plieuse n'y "
    "est partagée. Il faut la faire plier par un tôlier, ou la plier à la main sur une plieuse "
    "manuelle."
)


@dataclass(frozen=True)
class DemoBuild:
    department: str
    title: str
    built_on: dt.date
    description: str
    variations: str
    caption: str
    colour: tuple[int, int, int]


BUILDS = (
    DemoBuild(
        "04",
        "Pasteurisateur de la conserverie paysanne",
        dt.date(2026, 6, 18),
        "Monté en trois samedis avec les producteurs de la vallée : 40 bocaux de 500 mL par "
        "cycle, pour les sauces tomates et les jus de pomme.",
        "Cuve allongée à 80 L ; couvercle en mélèze local plutôt qu'en contreplaqué ; "
        "régulateur remplacé par un thermostat mécanique faute de carte électronique.",
        "La cuve après soudure TIG",
        (186, 196, 205),
    ),
    DemoBuild(
        "05",
        "Pasteurisateur du tiers-lieu de montagne",
        dt.date(2026, 9, 5),
        "Construit pour les jus de fruits de l'association des vergers : il tourne deux jours "
        "par semaine à l'automne.",
        "Châssis sur roulettes pour le ranger ; isolation de la cuve en laine de mouton ; "
        "carte du régulateur gravée à la main au perchlorure.",
        "Le châssis sur roulettes",
        (120, 96, 64),
    ),
)


def tiny_png(colour: tuple[int, int, int], size: int = 8) -> bytes:
    """A plain square PNG of one colour, made without an image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(colour) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def _builder(department: str) -> Organisation | None:
    """The first validated demo organisation whose main site is in the department."""
    return (
        Organisation.objects.filter(
            slug__startswith="demo-",
            status=OrganisationStatus.VALIDATED,
            sites__is_main=True,
            sites__department_id=department,
        )
        .order_by("slug")
        .first()
    )


def load_designs_makers_demo() -> int:
    """Create the demo design and its builds if missing; return how many rows were made."""
    if Design.objects.filter(slug=SLUG).exists():
        return 0
    publisher = Organisation.objects.get(slug=PUBLISHER_SLUG)
    author = User.objects.filter(username="admin-atelier").first()
    processes = {p.code: p for p in Process.objects.all()}
    made = 0
    with transaction.atomic():
        design = Design.objects.create(
            slug=SLUG,
            name="Pasteurisateur low-tech à bain-marie",
            version="1.2",
            function=FUNCTION,
            licence="CERN-OHL-S-2.0",
            licensor=publisher.name,
            documentation_language="fr",
            organisation=publisher,
            created_by=author,
        )
        made += 1
        for position, spec in enumerate(PARTS, start=1):
            size = spec.size_mm or (None, None, None)
            part = DesignPart.objects.create(
                design=design,
                position=position,
                name=spec.name,
                quantity=spec.quantity,
                tsdc=spec.tsdc,
                material=spec.material,
                material_text=spec.material_text,
                mass_g=spec.mass_g,
                size_x_mm=size[0],
                size_y_mm=size[1],
                size_z_mm=size[2],
                off_the_shelf=spec.off_the_shelf,
            )
            PartProcess.objects.bulk_create(
                PartProcess(part=part, process=processes[code], source=ProcessSource.MANUAL)
                for code in spec.processes
            )
            made += 1
        for built in BUILDS:
            organisation = _builder(built.department)
            if organisation is None:
                continue
            member = organisation.memberships.select_related("user").order_by("pk").first()
            build = Build.objects.create(
                design=design,
                organisation=organisation,
                title=built.title,
                built_on=built.built_on,
                description=built.description,
                variations=built.variations,
                is_public=True,
                created_by=member.user if member else None,
            )
            photo = BuildPhoto(build=build, caption=built.caption)
            photo.image.save(f"{uuid4().hex}.png", ContentFile(tiny_png(built.colour)), save=False)
            photo.save()
            made += 2
    return made

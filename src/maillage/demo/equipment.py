"""A deterministic, plausible machine park for the demo territory (about 400 machines)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maillage.directory.models import Organisation, OrganisationKind
from maillage.equipment.actions import MachineInput, save_machine
from maillage.equipment.models import Condition, Machine, MachineStatus

# The machine templates and which of them each kind of organisation owns.
PARK_FILE = Path(__file__).parent / "data" / "machine_park.json"


@dataclass(frozen=True)
class Template:
    name: str
    makes: tuple[tuple[str, str], ...]
    processes: tuple[str, ...]
    materials: tuple[str, ...]
    envelope: tuple[tuple[int, int], ...] | None  # (low, high) in mm for X, Y and Z
    power_kw: tuple[float, float]
    computer_controlled: bool
    tolerance: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Template:
        envelope = data["envelope_mm"]
        return cls(
            name=data["name"],
            makes=tuple((make, model) for make, model in data["makes"]),
            processes=tuple(data["processes"]),
            materials=tuple(data["materials"]),
            envelope=tuple((low, high) for low, high in envelope) if envelope else None,
            power_kw=(data["power_kw"][0], data["power_kw"][1]),
            computer_controlled=data["computer_controlled"],
            tolerance=data["tolerance"],
        )


_PARK = json.loads(PARK_FILE.read_text(encoding="utf-8"))
TEMPLATES = {key: Template.from_data(data) for key, data in _PARK["templates"].items()}
PARKS = {OrganisationKind(kind): keys for kind, keys in _PARK["parks"].items()}

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

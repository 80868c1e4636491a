"""The demo pasteuriser: most parts made within 50 km of Marseille, the tank not (no press
brake is shared there), and two builds in two Alpine valleys."""

from __future__ import annotations

from typing import Any

import pytest

from maillage.demo.designs_makers import SLUG, load_designs_makers_demo
from maillage.demo.directory import load_directory_demo
from maillage.demo.equipment import load_equipment_demo
from maillage.demo.sharing import load_sharing_demo
from maillage.designs.models import Build, Design
from maillage.designs.queries.builds import build_commune
from maillage.designs.queries.makers import Place, who_can_make
from maillage.directory.models import User
from maillage.matching.loader import CACHE
from maillage.matching.models import UnmetReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings: Any, tmp_path: Any) -> int:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    load_directory_demo()
    load_equipment_demo()
    load_sharing_demo()
    CACHE.clear()
    return load_designs_makers_demo()


def test_the_demo_design_is_mostly_made_near_marseille_but_its_tank(loaded: int) -> None:
    design = Design.objects.get(slug=SLUG)
    assert design.licence == "CERN-OHL-S-2.0" and design.parts.count() == 8
    # A member of the demo workshop: some sheet-metal machines are offered to members only.
    member = User.objects.get(username="membre-atelier")
    answer = who_can_make(design, member, Place(commune="13001"), 50)
    unmade = [a for a in answer.parts if not a.makeable]
    assert [a.part.name for a in unmade] == ["Cuve inox (flan développé, 1,5 mm)"]
    bending = next(p for p in unmade[0].processes if p.process.code == "2.4.1.1")
    assert bending.reason == UnmetReason.NO_SUCH_PROCESS
    assert len(answer.bought) == 3
    assert answer.share.by_count is not None and answer.share.by_count > 0.8


def test_two_valleys_built_it_and_a_second_load_changes_nothing(loaded: int) -> None:
    builds = list(Build.objects.select_related("organisation").order_by("built_on"))
    assert len(builds) == 2 and all(b.variations and b.photos.count() == 1 for b in builds)
    departments = {b.organisation.sites.get(is_main=True).department_id for b in builds}
    assert departments == {"04", "05"}
    assert all(build_commune(b) for b in builds)
    assert builds[0].photos.get().image.read(8) == b"\x89PNG\r\n\x1a\n"
    assert load_designs_makers_demo() == 0 and Build.objects.count() == 2

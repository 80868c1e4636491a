"""The share of a design made nearby, at its limits (a plain module: no database)."""

from maillage.designs.makeable import PartReach, percent, share_makeable


def part(quantity=1, mass=None, shelf=False, ok=True):
    return PartReach(quantity=quantity, mass_g=mass, off_the_shelf=shelf, makeable=ok)


def test_it_has_no_share_without_parts():
    share = share_makeable([])
    assert share.by_count is None and share.by_mass is None
    assert share.pieces_to_make == 0 and share.parts_without_mass == 0


def test_it_leaves_out_parts_bought_off_the_shelf():
    share = share_makeable([part(shelf=True, mass=500), part(shelf=True, ok=False)])
    assert share.by_count is None and share.by_mass is None
    mixed = share_makeable([part(shelf=True, ok=False, mass=900), part(ok=True, mass=100)])
    assert mixed.by_count == 1.0 and mixed.by_mass == 1.0


def test_it_weighs_parts_by_quantity():
    share = share_makeable([part(quantity=3, ok=True), part(quantity=1, ok=False)])
    assert share.pieces_to_make == 4 and share.pieces_makeable == 3
    assert share.by_count == 0.75


def test_it_weighs_by_mass_only_the_parts_whose_mass_is_known():
    share = share_makeable(
        [
            part(quantity=2, mass=1000, ok=True),  # 2 kg made nearby
            part(quantity=1, mass=2000, ok=False),  # 2 kg not
            part(quantity=5, mass=None, ok=False),  # unknown: counted apart
        ]
    )
    assert share.by_mass == 0.5
    assert share.parts_without_mass == 1
    assert share.by_count == 2 / 8


def test_it_has_no_mass_share_when_every_mass_is_missing():
    share = share_makeable([part(mass=None), part(mass=0.0, ok=False)])
    assert share.by_mass is None and share.parts_without_mass == 2
    assert share.by_count == 0.5


def test_it_counts_nothing_for_a_nonsense_quantity():
    assert share_makeable([part(quantity=-3)]).by_count is None


def test_percent_rounds_down_and_keeps_none():
    assert percent(None) is None
    assert percent(0.996) == 99 and percent(1.0) == 100 and percent(0.0) == 0
    assert percent(0.29) == 29

"""The List of Waste as the migration loads it, and again after a transactional test's flush."""

from __future__ import annotations

import pytest

from maillage.symbiosis.codes import closeness, read_substitutions
from maillage.symbiosis.models import WasteCode


@pytest.mark.django_db
def test_it_holds_the_842_entries_and_their_hazardous_flags() -> None:
    assert WasteCode.objects.filter(level=3).count() == 842
    assert WasteCode.objects.filter(level=3, hazardous=True).count() == 408
    assert WasteCode.objects.filter(level=1).count() == 20
    entry = WasteCode.objects.get(code="12 01 01")
    assert entry.parent_id == "12 01"
    assert entry.description_en == "Ferrous metal filings and turnings"


@pytest.mark.django_db(transaction=True)
def test_it_is_there_in_a_transactional_test_too() -> None:
    assert WasteCode.objects.filter(level=3).count() == 842


def test_glass_cullet_can_replace_sand_by_a_rule_kept_as_data() -> None:
    rules = read_substitutions()
    fit = closeness("19 12 05", "glass", "", "mineral", rules)
    assert fit is not None and fit.reason == "substitution"
    assert closeness("19 12 05", "glass", "", "mineral", []) is None


def test_codes_of_one_section_fit_better_than_codes_of_one_chapter() -> None:
    section = closeness("12 01 01", "metal", "12 01 03", "metal")
    chapter = closeness("12 01 01", "metal", "12 02 01", "metal")
    assert section is not None and chapter is not None
    assert section.score > chapter.score
    assert closeness("03 01 05", "wood", "12 01 01", "metal") is None

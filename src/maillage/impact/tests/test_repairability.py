"""The repairability assessment: five criteria with evidence, the documents on file counted,
the adaptation stated, the owner only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.equipment.models import MachineDocument
from maillage.impact.actions.repairability import AssessmentInput, record_assessment
from maillage.impact.models import MachineImpact, RepairabilityAssessment

pytestmark = pytest.mark.django_db

SCORES = {
    "documentation": 16,
    "disassembly": "12,5",
    "spare_parts": 10,
    "parts_price": 14,
    "specific": 0,
}
EVIDENCE = {
    "documentation": "Maker promises manuals for 10 years.",
    "disassembly": "Spindle cartridge out in 4 h with standard tools.",
    "spare_parts": "Parts list, 15 days delivery.",
    "parts_price": "Spindle 9 % of the new price.",
}


def test_an_assessment_scores_out_of_ten_and_keeps_its_evidence(impact_world):
    w = impact_world
    assessment = record_assessment(w.member, w.lathe, AssessmentInput(SCORES, EVIDENCE))
    # (16 + 12.5 + 10 + 14 + 0) / 100 × 10 = 5.25, shown to one decimal (half to even)
    assert assessment.total == Decimal("5.2")
    assert assessment.disassembly == Decimal("12.5")
    assert assessment.evidence["disassembly"]["text"].startswith("Spindle cartridge")
    assert assessment.assessed_by == w.member and assessment.organisation == w.owner
    assert MachineImpact.objects.get(machine=w.lathe).repairability == assessment.total


def test_a_score_above_zero_needs_evidence_and_bad_scores_are_named(impact_world):
    w = impact_world
    scores = {**SCORES, "specific": "21", "parts_price": "7,25"}
    with pytest.raises(ValidationError) as caught:
        record_assessment(
            w.admin, w.lathe, AssessmentInput(scores, {**EVIDENCE, "disassembly": " "})
        )
    errors = caught.value.message_dict
    assert set(errors) == {"specific", "parts_price", "evidence_disassembly"}
    assert "0 to 20" in errors["specific"][0]
    assert not RepairabilityAssessment.objects.exists()


def test_documents_on_the_machine_page_count_as_evidence(impact_world):
    w = impact_world
    evidence = {key: text for key, text in EVIDENCE.items() if key != "documentation"}
    with pytest.raises(ValidationError) as caught:
        record_assessment(w.admin, w.lathe, AssessmentInput(SCORES, evidence))
    assert set(caught.value.message_dict) == {"evidence_documentation"}
    MachineDocument.objects.create(
        machine=w.lathe, kind="manual", title="Manuel Ernault", url="https://example.org/m.pdf"
    )
    assessment = record_assessment(w.admin, w.lathe, AssessmentInput(SCORES, evidence))
    assert assessment.evidence["documentation"]["documents"][0]["title"] == "Manuel Ernault"


def test_the_latest_assessment_counts_and_the_history_stays(impact_world):
    w = impact_world
    record_assessment(w.admin, w.lathe, AssessmentInput(SCORES, EVIDENCE))
    later = record_assessment(
        w.admin, w.lathe, AssessmentInput({**SCORES, "specific": 20}, {**EVIDENCE, "specific": "x"})
    )
    assert RepairabilityAssessment.objects.filter(machine=w.lathe).count() == 2
    assert MachineImpact.objects.get(machine=w.lathe).repairability == later.total


def test_another_organisation_may_not_assess(impact_world):
    w = impact_world
    with pytest.raises(PermissionDenied):
        record_assessment(w.neighbour_member, w.lathe, AssessmentInput(SCORES, EVIDENCE))


def _post(scores: dict, evidence: dict, **extra: str) -> dict:
    data = {key: str(value) for key, value in scores.items()}
    data.update({f"evidence_{key}": text for key, text in evidence.items()})
    data.update(extra)
    return data


def test_the_page_states_the_adaptation_and_suggests_scores(client, impact_world):
    w = impact_world
    MachineDocument.objects.create(
        machine=w.lathe, kind="manual", title="Manuel", url="https://example.org/m.pdf"
    )
    client.force_login(w.admin)
    page = client.get(f"/machines/{w.lathe.pk}/impact/repairability/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "An adaptation, not the legal index." in html
    assert "Manuel" in html
    data = _post(
        {}, {}, doc_years="5", parts_years="8", delivery_days="5", price_ratio="30", suggest="1"
    )
    suggested = client.post(f"/machines/{w.lathe.pk}/impact/repairability/", data)
    html = suggested.content.decode()
    # documentation 2 × 5 + 2 × 1 document = 12; parts 8 + 10 = 18; price (0.5 − 0.3)/0.4 × 20 = 10
    assert 'name="documentation" value="12"' in html
    assert 'name="spare_parts" value="18"' in html
    assert 'name="parts_price" value="10"' in html
    assert not RepairabilityAssessment.objects.exists()


def test_the_page_records_or_shows_the_errors(client, impact_world):
    w = impact_world
    client.force_login(w.member)
    url = f"/machines/{w.lathe.pk}/impact/repairability/"
    bad = client.post(url, _post({**SCORES, "disassembly": ""}, EVIDENCE, save="1"))
    assert bad.status_code == 400
    assert 'class="field has-error" id="field-disassembly"' in bad.content.decode()
    assert not RepairabilityAssessment.objects.exists()
    good = client.post(url, _post(SCORES, EVIDENCE, save="1"))
    assert good.status_code == 302
    assert RepairabilityAssessment.objects.get().documentation == 16
    client.force_login(w.neighbour_member)
    assert client.post(url, _post(SCORES, EVIDENCE, save="1")).status_code == 403
    assert RepairabilityAssessment.objects.count() == 1

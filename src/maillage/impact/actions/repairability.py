"""The owner's repairability assessment of a machine: five criteria out of 20, with evidence.

An adaptation of the French repairability index to industrial equipment, not the legal index
(`impact/repairability.py`). Each assessment is kept (the latest counts), with who made it and
the evidence of each criterion: a score above zero needs some, and for the documentation the
documents already on the machine page count (they are listed in the evidence as they were).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineDocument
from maillage.impact import repairability
from maillage.impact.actions.machines import (
    check_can_edit,
    lock_for_impact,
    recompute_machine_impact,
)
from maillage.impact.models import RepairabilityAssessment

MAX_EVIDENCE = 2000
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class AssessmentInput:
    """Scores by criterion (`repairability.CRITERIA`), as numbers or decimal strings, and the
    evidence of each in a few words."""

    scores: Mapping[str, object]
    evidence: Mapping[str, str] = field(default_factory=dict)


def _score(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not score.is_finite() or not 0 <= score <= 20 or score != score.quantize(TENTH):
        return None
    return score.quantize(TENTH)


def documents_on_file(machine: Machine) -> list[dict[str, object]]:
    """The machine page's documents, as the evidence of criterion 1 keeps them."""
    return [
        {"id": doc.pk, "kind": doc.kind, "title": doc.title}
        for doc in MachineDocument.objects.filter(machine=machine).order_by("kind", "title")
    ]


def _check(
    data: AssessmentInput, documents: list[dict[str, object]]
) -> tuple[dict[str, Decimal], dict[str, dict[str, object]]]:
    errors: dict[str, str] = {}
    scores: dict[str, Decimal] = {}
    evidence: dict[str, dict[str, object]] = {}
    unknown = sorted(set(data.scores) - set(repairability.CRITERIA))
    if unknown:
        errors["scores"] = _("Unknown criteria: %(names)s.") % {"names": ", ".join(unknown)}
    for key in repairability.CRITERIA:
        score = _score(data.scores.get(key))
        text = (data.evidence.get(key) or "").strip()
        if score is None:
            errors[key] = _("Give a score from 0 to 20, to one decimal at most.")
        if len(text) > MAX_EVIDENCE:
            errors[f"evidence_{key}"] = _("Keep the evidence under 2,000 characters.")
        on_file = documents if key == "documentation" else []
        if score is not None and score > 0 and not text and not on_file:
            errors[f"evidence_{key}"] = _(
                "Say what supports this score: a document, a test, the maker's commitment."
            )
        if score is not None:
            scores[key] = score
        evidence[key] = {"text": text, **({"documents": on_file} if on_file else {})}
    if errors:
        raise ValidationError(errors)
    return scores, evidence


def record_assessment(
    actor: User, machine: Machine, data: AssessmentInput
) -> RepairabilityAssessment:
    """A new assessment (the former ones stay in the history); the machine's impact follows."""
    check_can_edit(actor, machine)
    with transaction.atomic():
        locked = lock_for_impact(actor, machine)
        documents = documents_on_file(locked)
        scores, evidence = _check(data, documents)
        total = repairability.score({key: float(value) for key, value in scores.items()}).total
        assessment = RepairabilityAssessment.objects.create(
            machine=locked,
            organisation_id=locked.organisation_id,
            total=Decimal(str(total)),
            evidence=evidence,
            assessed_by=actor,
            **scores,
        )
        recompute_machine_impact(locked)
    return assessment

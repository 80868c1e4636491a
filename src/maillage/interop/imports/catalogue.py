"""The process taxonomy as an OKW import resolves references against it."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.equipment.models import Process
from maillage.interop.okw.model import Equipment, ProcessRef
from maillage.interop.okw.values import join

_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*")


class Catalogue:
    """The process taxonomy, indexed by code, Wikidata item and folded label."""

    def __init__(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        self.codes = {row[0] for row in rows}
        self.by_wikidata: dict[str, str] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        for code, wikidata, label_en, label_fr, label_de in rows:  # shallowest first
            if wikidata:
                self.by_wikidata.setdefault(wikidata.upper(), code)
            for lang, label in (("en", label_en), ("fr", label_fr), ("de", label_de)):
                for text in (label, _PARENTHESIS.sub(" ", label)):
                    if fold(text):
                        self.by_label.setdefault((lang, fold(text)), code)

    @classmethod
    def load(cls) -> Catalogue:
        rows = Process.objects.order_by("depth", "position", "code").values_list(
            "code", "wikidata", "label_en", "label_fr", "label_de"
        )
        return cls(list(rows))

    def codes_for(self, equipment: Equipment, path: str) -> list[str]:
        """Our codes for the equipment's processes; an unknown one is an error at its path."""
        if equipment.process_codes:
            for i, code in enumerate(equipment.process_codes):
                if code not in self.codes:
                    raise ValidationError(
                        {
                            join(path, f"maillage_process_codes[{i}]"): _(
                                "Unknown process code: %(codes)s."
                            )
                            % {"codes": code}
                        }
                    )
            return sorted(set(equipment.process_codes))
        if not equipment.process_refs:
            raise ValidationError(
                {
                    join(path, "manufacturing_process"): _(
                        "Give at least one manufacturing process this equipment can do."
                    )
                }
            )
        found: set[str] = set()
        for i, ref in enumerate(equipment.process_refs):
            resolved = self.code_for(ref)
            if resolved is None:
                raise ValidationError(
                    {
                        join(path, f"manufacturing_process[{i}]"): _(
                            "No process of the Maillage taxonomy matches %(ref)s."
                        )
                        % {"ref": ref.url}
                    }
                )
            found.add(resolved)
        return sorted(found)

    def code_for(self, ref: ProcessRef) -> str | None:
        if ref.scheme == "maillage":
            return ref.value if ref.value in self.codes else None
        if ref.scheme == "wikidata":
            return self.by_wikidata.get(ref.value.upper())
        return self.by_label.get((ref.lang, fold(ref.value)))

"""Forms of a machine's impact: its composition (one row per material), the repairability
assessment with its guidance, the economics. Shares are typed in percent, money in euros; the
actions check everything again and name the field of each error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import add_action_errors
from maillage.impact import repairability
from maillage.impact.actions.composition import SHARES, MaterialInput
from maillage.impact.actions.economics import EconomicsInput
from maillage.impact.actions.repairability import AssessmentInput
from maillage.impact.factors import FactorSet
from maillage.impact.models import MachineEconomics, MaterialShare
from maillage.maintenance.models import PartMaterial
from maillage.sharing.forms import DecimalCommaField, EurosField, euros_text

HUNDRED = Decimal(100)
# The factor table's prefix of each share's default (None: no default, 0).
DEFAULT_PREFIX = {
    "recycled_feedstock": "recycled_feedstock",
    "reused_feedstock": None,
    "recycled_collection": "recycled_collection",
    "reused_collection": None,
    "feedstock_efficiency": "feedstock_efficiency",
    "collection_efficiency": "collection_efficiency",
}


def share_defaults(factors: FactorSet) -> dict[str, dict[str, float]]:
    """Per material, the percent each blank share stands for (the placeholders)."""
    return {
        material: {
            name: round(factors.value(f"{prefix}.{material}") * 100, 1) if prefix else 0.0
            for name, prefix in DEFAULT_PREFIX.items()
        }
        for material in PartMaterial.values
    }


def _plain(value: float) -> str:
    """A number as typed, decimal comma, no exponent: 12000 → "12000", 0.4 → "0,4"."""
    return (f"{value:f}".rstrip("0").rstrip(".") or "0").replace(".", ",")


def _percent(value: float | None) -> str:
    return "" if value is None else _plain(round(value * 100, 4))


class MaterialForm(forms.Form):
    material = forms.ChoiceField(
        label=_("Material"), choices=[("", "—"), *PartMaterial.choices], required=False
    )
    mass_kg = DecimalCommaField(label=_("Mass (kg)"), required=False)
    recycled_feedstock = DecimalCommaField(label=_("Recycled feedstock (%)"), required=False)
    reused_feedstock = DecimalCommaField(label=_("Reused feedstock (%)"), required=False)
    recycled_collection = DecimalCommaField(label=_("Collected for recycling (%)"), required=False)
    reused_collection = DecimalCommaField(label=_("Collected for reuse (%)"), required=False)
    feedstock_efficiency = DecimalCommaField(
        label=_("Yield of recycling the feedstock (%)"), required=False
    )
    collection_efficiency = DecimalCommaField(
        label=_("Yield of recycling the collected mass (%)"), required=False
    )

    def __init__(self, *args: Any, defaults: dict[str, dict[str, float]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        material = (
            self.data.get(self.add_prefix("material")) if self.is_bound else None
        ) or self.initial.get("material")
        template = str(_("default: %(value)s %%") % {"value": "{v}"})
        for name in SHARES:
            default = defaults.get(str(material or ""), {}).get(name)
            text = (
                template.replace("{v}", f"{default:g}".replace(".", ","))
                if default is not None
                else str(_("default"))
            )
            self.fields[name].widget.attrs.update(
                {"placeholder": text, "data-share": name, "data-template": template}
            )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("material") and all(
            data.get(name) is None for name in ("mass_kg", *SHARES)
        )

    def to_input(self) -> MaterialInput:
        data = self.cleaned_data
        shares = {
            name: data[name] / HUNDRED if data.get(name) is not None else None for name in SHARES
        }
        mass = data.get("mass_kg")
        return MaterialInput(
            material=data.get("material") or "", mass_kg="" if mass is None else mass, **shares
        )

    @staticmethod
    def initial_for(row: MaterialShare) -> dict[str, Any]:
        values = {name: _percent(getattr(row, name)) for name in SHARES}
        return {"material": row.material, "mass_kg": _plain(row.mass_kg), **values}


MaterialFormSet = forms.formset_factory(
    MaterialForm, extra=2, max_num=len(PartMaterial.values), validate_max=True
)


def filled_rows(formset: Any) -> list[MaterialForm]:
    return [form for form in formset.forms if not form.is_blank()]


def show_row_errors(formset: Any, exc: ValidationError) -> list[str]:
    """Put "materials.1.mass_kg" on the second filled row's field; return what is left."""
    rows = filled_rows(formset)
    rest: list[str] = []
    for name, messages in exc.message_dict.items():
        head, _dot, tail = name.partition(".")
        index, _dot, field = tail.partition(".")
        if head == "materials" and index.isdigit() and int(index) < len(rows) and field:
            for message in messages:
                rows[int(index)].add_error(field, message)
        else:
            rest.extend(messages)
    return rest


class RepairabilityForm(forms.Form):
    """A score and its evidence per criterion, and the guidance that suggests scores."""

    doc_years = DecimalCommaField(
        label=_("Years the documentation stays available"), required=False
    )
    parts_years = DecimalCommaField(label=_("Years the key parts stay available"), required=False)
    delivery_days = DecimalCommaField(label=_("Days to receive a key part"), required=False)
    price_ratio = DecimalCommaField(
        label=_("Price of the dearest key part, in % of the machine's new price"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = criterion_labels()
        for key in repairability.CRITERIA:
            self.fields[key] = DecimalCommaField(
                label=_("%(criterion)s: score out of 20") % {"criterion": labels[key]},
                required=False,
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=2000,
                widget=forms.Textarea({"rows": 2}),
            )

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            scores={key: data.get(key) for key in repairability.CRITERIA},
            evidence={key: data.get(f"evidence_{key}") or "" for key in repairability.CRITERIA},
        )

    def suggestions(self, documents: int) -> dict[str, float]:
        """The guidance's scores for the criteria whose guidance is filled in."""
        data = self.cleaned_data
        found: dict[str, float] = {}
        if data.get("doc_years") is not None:
            found["documentation"] = repairability.documentation_guide(
                years_available=float(data["doc_years"]), documents_on_file=documents
            )
        if data.get("parts_years") is not None and data.get("delivery_days") is not None:
            found["spare_parts"] = repairability.spare_parts_guide(
                years_available=float(data["parts_years"]),
                delivery_days=float(data["delivery_days"]),
            )
        if data.get("price_ratio") is not None and data["price_ratio"] >= 0:
            found["parts_price"] = repairability.parts_price_guide(float(data["price_ratio"]) / 100)
        return found


def criterion_labels() -> dict[str, Any]:
    return {
        "documentation": _("Documentation"),
        "disassembly": _("Disassembly and tools"),
        "spare_parts": _("Spare parts availability and lead time"),
        "parts_price": _("Spare parts price"),
        "specific": _("Specific criteria"),
    }


class EconomicsForm(forms.Form):
    price = EurosField(label=_("Purchase price (€)"), required=False)
    residual_value = EurosField(
        label=_("Residual value at the end of its life (€)"), required=False
    )
    life_years = forms.IntegerField(label=_("Expected life (years)"), required=False, min_value=1)
    fixed_costs = EurosField(
        label=_("Fixed costs a year: insurance, space, contracts (€)"), required=False
    )
    variable_per_hour = EurosField(
        label=_("Variable cost of a productive hour: energy, tooling, wear (€)"), required=False
    )
    hours_available = forms.IntegerField(
        label=_("Hours the machine is open a year"), required=False, min_value=1
    )

    def to_input(self) -> EconomicsInput:
        data = self.cleaned_data
        return EconomicsInput(
            price_cents=data.get("price"),
            residual_value_cents=data.get("residual_value"),
            life_years=data.get("life_years"),
            fixed_costs_cents_per_year=data.get("fixed_costs"),
            variable_cents_per_hour=data.get("variable_per_hour"),
            hours_available_per_year=data.get("hours_available"),
        )

    @staticmethod
    def initial_for(economics: MachineEconomics | None) -> dict[str, Any]:
        if economics is None:
            return {}

        def euros(cents: int | None) -> str:
            return "" if cents is None else euros_text(cents)

        return {
            "price": euros(economics.price_cents),
            "residual_value": euros(economics.residual_value_cents),
            "life_years": economics.life_years,
            "fixed_costs": euros(economics.fixed_costs_cents_per_year),
            "variable_per_hour": euros(economics.variable_cents_per_hour),
            "hours_available": economics.hours_available_per_year,
        }


# An action's field name → the economics form field that shows its error.
ECONOMICS_ALIASES = {
    "price_cents": "price",
    "residual_value_cents": "residual_value",
    "fixed_costs_cents_per_year": "fixed_costs",
    "variable_cents_per_hour": "variable_per_hour",
    "hours_available_per_year": "hours_available",
}


def show_economics_errors(form: EconomicsForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        exc = ValidationError(
            {ECONOMICS_ALIASES.get(name, name): errors for name, errors in exc.error_dict.items()}
        )
    add_action_errors(form, exc)

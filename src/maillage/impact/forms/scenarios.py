"""Scenario forms: what to simulate (a process and organisations, or machines) and every input
as a low, likely and high value, pre-filled from the inventory, all in the address (GET).

Shares are typed in percent and money in euros; `distributions()` gives the core its units.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from maillage.core.text import fold
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine, Process
from maillage.equipment.queries import visible_machines
from maillage.impact.queries import scenarios as queries
from maillage.impact.simulation import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    RETROFIT_INPUTS,
    SHARE_INPUTS,
    Distribution,
    InputSpec,
)
from maillage.sharing.forms import DecimalCommaField

PERCENT = 100.0
ENDS = ("low", "likely", "high")

# Input → (label, scale from the core's unit to the one typed: 100 for a share in percent).
SHARE_LABELS: dict[str, tuple[Any, float]] = {
    "price": (_("Price of the machine (€)"), 1),
    "residual_share": (_("Resale value at the end of its life (% of the price)"), PERCENT),
    "discount_rate": (_("Discount rate (%)"), PERCENT),
    "life_years": (_("Life of the machine (years)"), 1),
    "fixed_share_of_price": (_("Insurance and upkeep (% of the price a year)"), PERCENT),
    "fixed_costs_per_year": (_("Other fixed costs (€ a year)"), 1),
    "hours_available": (_("Hours open a year (h)"), 1),
    "utilisation_solo": (_("Utilisation of a machine owned alone (%)"), PERCENT),
    "utilisation_shared": (_("Utilisation of the shared machine (%)"), PERCENT),
    "variable_per_hour": (_("Energy, tooling and wear (€ per hour)"), 1),
    "coordination_per_hour": (_("Coordination of a shared hour (€ per hour)"), 1),
    "coordination_setup": (_("Setting the sharing up, once (€)"), 1),
    "embodied_kgco2e": (_("Embodied carbon of the machine (kgCO2e)"), 1),
    "kwh_per_hour": (_("Electricity of a productive hour (kWh)"), 1),
    "grid_kgco2e_per_kwh": (_("Grid factor (kgCO2e/kWh)"), 1),
}
RETROFIT_LABELS: dict[str, tuple[Any, float]] = {
    "new_price": (_("Price of a new machine (€)"), 1),
    "new_life_years": (_("Life of a new machine (years)"), 1),
    "retrofit_price": (_("Price of the retrofit (€)"), 1),
    "retrofit_life_years": (_("Life after the retrofit (years)"), 1),
    "discount_rate": (_("Discount rate (%)"), PERCENT),
    "new_embodied_kgco2e": (_("Embodied carbon of a new machine (kgCO2e)"), 1),
    "retrofit_embodied_kgco2e": (_("Embodied carbon of the retrofit's parts (kgCO2e)"), 1),
    "new_kwh_per_year": (_("Electricity of a new machine (kWh/year)"), 1),
    "retrofit_kwh_per_year": (_("Electricity after the retrofit (kWh/year)"), 1),
    "grid_kgco2e_per_kwh": (_("Grid factor (kgCO2e/kWh)"), 1),
    "electricity_eur_per_kwh": (_("Price of electricity (€/kWh)"), 1),
    "horizon_years": (_("Horizon (years)"), 1),
}
SHAPE_CHOICES = [
    ("triangular", _("Triangular: low, most likely, high")),
    ("uniform", _("Uniform between low and high")),
]
DRAW_CHOICES = [(1_000, "1 000"), (10_000, "10 000"), (100_000, "100 000")]


def number_text(value: float) -> str:
    """A number as the form shows it back: no exponent, no trailing zeros ("0.052", "150000")."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class RangeWidget(forms.MultiWidget):
    """Three text inputs named `<input>_low`, `<input>_likely`, `<input>_high`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        box = {"inputmode": "decimal", "size": 9, "maxlength": 20}
        super().__init__({end: forms.TextInput(attrs=dict(box)) for end in ENDS}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        return list(value) if value else [None, None, None]


class RangeField(forms.MultiValueField):
    """Low, likely and high, each a number with a decimal comma or point → a float triple."""

    def __init__(self, **kwargs: Any) -> None:
        message = _("Give the low, likely and high values.")
        fields = tuple(DecimalCommaField() for _end in ENDS)
        super().__init__(
            fields,
            widget=RangeWidget,
            require_all_fields=True,
            error_messages={"required": message, "incomplete": message},
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> tuple[float, float, float] | None:
        if not data_list:
            return None
        low, likely, high = (float(value) for value in data_list)
        return low, likely, high


def _bound_text(value: float) -> str:
    places = 0 if value == int(value) else None
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


class ScenarioForm(forms.Form):
    """The inputs of a scenario (low, likely, high), the shape of their ranges, draws and seed."""

    specs: tuple[InputSpec, ...] = ()
    labels: dict[str, tuple[Any, float]] = {}

    shape = forms.ChoiceField(label=_("Shape of the ranges"), choices=SHAPE_CHOICES)
    draws = forms.TypedChoiceField(
        label=_("Draws"), choices=DRAW_CHOICES, coerce=int, initial=DEFAULT_DRAWS
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**31 - 1,
        initial=DEFAULT_SEED,
        help_text=_("The same seed gives the same draws: the result can be shared."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in self.specs:
            label, _scale = self.labels[spec.name]
            field = RangeField(label=label)
            for end, widget in zip(ENDS, field.widget.widgets, strict=True):
                widget.attrs["aria-label"] = f"{label} — {_END_LABELS[end]}"
            self.fields[spec.name] = field

    def range_fields(self) -> list[forms.BoundField]:
        return [self[spec.name] for spec in self.specs]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        shape = data.get("shape") or "triangular"
        distributions: dict[str, Distribution] = {}
        for spec in self.specs:
            value = data.get(spec.name)
            if value is None:
                continue
            _label, scale = self.labels[spec.name]
            low, likely, high = (end / scale for end in value)
            error = _range_error(spec, low, likely, high, scale)
            if error:
                self.add_error(spec.name, error)
            elif low == likely == high:
                distributions[spec.name] = Distribution.fixed(likely)
            elif shape == "uniform":
                distributions[spec.name] = Distribution("uniform", low, likely, high)
            else:
                distributions[spec.name] = Distribution.triangular(low, likely, high)
        data["distributions"] = distributions
        return data

    def distributions(self) -> dict[str, Distribution]:
        return dict(self.cleaned_data["distributions"])


_END_LABELS = {"low": _("low"), "likely": _("likely"), "high": _("high")}


def _range_error(spec: InputSpec, low: float, likely: float, high: float, scale: float) -> Any:
    """Why a range is refused, in the units typed; None when it is fine."""
    domain = spec.domain
    for value in (low, likely, high):
        outside = value < domain.low or (domain.low_open and value == domain.low)
        if outside or value > domain.high:
            bounds = {
                "low": _bound_text(domain.low * scale),
                "high": _bound_text(domain.high * scale),
            }
            if domain.low_open:
                return _("Give values above %(low)s and up to %(high)s.") % bounds
            return _("Give values from %(low)s to %(high)s.") % bounds
    if not low <= likely <= high:
        return _("The low value must not be above the likely one, nor the likely above the high.")
    return None


def initial_values(
    specs: tuple[InputSpec, ...],
    labels: Mapping[str, tuple[Any, float]],
    prefill: Mapping[str, queries.Prefill],
) -> dict[str, str]:
    """The pre-filled inputs as GET parameters (`price_low`…), in the units typed."""
    values: dict[str, str] = {}
    for spec in specs:
        start = prefill[spec.name]
        scale = labels[spec.name][1]
        for end, value in zip(ENDS, (start.low, start.likely, start.high), strict=True):
            values[f"{spec.name}_{end}"] = number_text(value * scale)
    return values


def _values(data: Any, name: str) -> list[str]:
    """Every value of a repeated parameter, from a QueryDict or a plain dict (at most 1,000)."""
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
    if isinstance(values, str | int):
        values = [values]
    return [str(value) for value in values][:1000]


def is_id(value: Any) -> bool:
    """A row id a database can compare: ASCII digits that fit a 64-bit integer."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


def ids_in(data: Any, name: str) -> list[str]:
    return [value for value in _values(data, name) if is_id(value)]


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses what is not an id as an unknown choice before asking the database (which would
    overflow on a 30-digit number)."""

    def clean(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else ():
            if not is_id(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super().clean(value)


def is_submitted(specs: tuple[InputSpec, ...], data: Mapping[str, Any]) -> bool:
    """Inputs are in the address (a simulation asked for), not only the choice of what."""
    return any(f"{spec.name}_likely" in data for spec in specs)


class ShareForm(ScenarioForm):
    """A process, the organisations that would share one machine of it, and the inputs."""

    specs = SHARE_INPUTS
    labels = SHARE_LABELS

    process = forms.ChoiceField(label=_("Process"))
    organisations = IdsChoiceField(
        label=_("Organisations that would share one machine"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Validated organisations that own a machine of this process or asked for one."),
    )

    field_order = ["process", "organisations"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process_field = self.fields["process"]
        assert isinstance(process_field, forms.ChoiceField)
        process_field.choices = [("", _("Choose a process")), *queries.process_choices()]
        self.chosen_process = Process.objects.filter(
            code=str(self.data.get("process", ""))[:30]
        ).first()
        field = self.fields["organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        self.candidates_capped = False
        if self.chosen_process is not None:
            candidates = queries.candidate_organisations(self.chosen_process)
            field.queryset = candidates
            # Checkboxes for the first ones (by name, those a search finds) and the ones already
            # ticked; any candidate validates.
            limit = queries.ORGANISATIONS_SHOWN
            found = candidates.only("pk", "name").order_by("name")
            query = fold(str(self.data.get("org_q", "")))[:100]
            if query:
                found = found.filter(search_text__contains=query)
            shown = list(found[: limit + 1])
            self.candidates_capped = len(shown) > limit
            shown = shown[:limit]
            ticked = set(ids_in(self.data, "organisations")) - {str(o.pk) for o in shown}
            if ticked:
                shown += list(candidates.only("pk", "name").filter(pk__in=ticked))
            field.widget.choices = [(o.pk, o.name) for o in shown]

    def clean_organisations(self) -> Any:
        chosen = self.cleaned_data["organisations"]
        if len(chosen) < 2:
            raise forms.ValidationError(_("Choose at least two organisations."))
        return chosen


class RetrofitForm(ScenarioForm):
    """The machines to retrofit instead of replacing, and the inputs per machine."""

    specs = RETROFIT_INPUTS
    labels = RETROFIT_LABELS

    machines = IdsChoiceField(
        label=_("Machines to retrofit"),
        queryset=Machine.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["machines"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["machines"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        visible = visible_machines(user)
        field.queryset = visible
        chosen = ids_in(self.data, "machines")
        query = str(self.data.get("q", ""))[:100]
        shown = list(visible.filter(pk__in=chosen).select_related("organisation"))
        shown += queries.pickable_machines(user, query)
        field.widget.choices = [
            (m.pk, f"{m.name} — {m.organisation.name}") for m in dict.fromkeys(shown)
        ]

    def clean_machines(self) -> Any:
        chosen = self.cleaned_data["machines"]
        if len(chosen) > queries.MAX_MACHINES:
            raise forms.ValidationError(
                _("Choose at most %(count)s machines.") % {"count": queries.MAX_MACHINES}
            )
        return chosen

"""Forms of the heat pages: a declaration and a study. The actions check every value again."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation
from maillage.symbiosis import heat
from maillage.symbiosis.actions.heat import HeatInput, StudyInput
from maillage.symbiosis.models import (
    HeatDeclaration,
    HeatKind,
    HeatMedium,
    HeatStudy,
    Visibility,
)

NUMBER = forms.TextInput(attrs={"inputmode": "decimal"})


class HeatForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=HeatKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    site = forms.ChoiceField(label=_("Site"))
    medium = forms.ChoiceField(label=_("Medium"), choices=HeatMedium.choices)
    temperature_c = forms.CharField(
        label=_("Temperature (°C)"),
        widget=NUMBER,
        help_text=_("A source: the temperature it gives. A sink: the supply temperature it needs."),
    )
    return_temperature_c = forms.CharField(
        label=_("Return temperature (°C)"), widget=NUMBER, required=False
    )
    power_kw = forms.CharField(
        label=_("Power (kW)"),
        widget=NUMBER,
        required=False,
        help_text=_("Or leave it empty and give the mass flow and its temperature drop."),
    )
    mass_flow_kg_s = forms.CharField(label=_("Mass flow (kg/s)"), widget=NUMBER, required=False)
    delta_t_k = forms.CharField(label=_("Temperature drop (K)"), widget=NUMBER, required=False)
    hours_per_year = forms.CharField(
        label=_("Hours per year at that power"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    monthly_profile = forms.CharField(
        label=_("Monthly profile"),
        required=False,
        help_text=_(
            "Optional: twelve shares of the year, January first, separated by spaces "
            "(e.g. 20 17 13 7 2 0 0 0 2 7 13 19). Empty: the same every month."
        ),
    )
    quantity_visibility = forms.ChoiceField(
        label=_("Who sees the exact power and hours"),
        choices=Visibility.choices,
        initial=Visibility.COUNTERPART,
        help_text=_("Everyone else sees the order of magnitude of the energy per year."),
    )
    site_visibility = forms.ChoiceField(
        label=_("Who sees the exact site"),
        choices=Visibility.choices,
        initial=Visibility.COUNTERPART,
        help_text=_("Everyone else sees the commune."),
    )

    def __init__(self, organisation: Organisation, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = [(str(site.pk), str(site)) for site in organisation.sites.all()]

    @classmethod
    def initial_of(cls, declaration: HeatDeclaration) -> dict[str, object]:
        profile = declaration.monthly_profile
        return {
            "kind": declaration.kind,
            "title": declaration.title,
            "site": str(declaration.site_id),
            "medium": declaration.medium,
            "temperature_c": f"{declaration.temperature_c:g}",
            "return_temperature_c": (
                ""
                if declaration.return_temperature_c is None
                else f"{declaration.return_temperature_c:g}"
            ),
            "power_kw": f"{declaration.power_kw:g}",
            "hours_per_year": str(declaration.hours_per_year),
            "monthly_profile": " ".join(f"{share * 100:g}" for share in profile) if profile else "",
            "quantity_visibility": declaration.quantity_visibility,
            "site_visibility": declaration.site_visibility,
        }

    def to_input(self) -> HeatInput:
        data = self.cleaned_data
        text = data["monthly_profile"].strip()
        profile = [part for part in re.split(r"[\s;]+", text) if part] if text else None
        return HeatInput(
            kind=data["kind"],
            title=data["title"],
            medium=data["medium"],
            temperature_c=data["temperature_c"],
            return_temperature_c=data["return_temperature_c"] or None,
            power_kw=data["power_kw"] or None,
            mass_flow_kg_s=data["mass_flow_kg_s"] or None,
            delta_t_k=data["delta_t_k"] or None,
            hours_per_year=data["hours_per_year"],
            site_id=int(data["site"]),
            monthly_profile=profile,
            quantity_visibility=data["quantity_visibility"],
            site_visibility=data["site_visibility"],
        )


class StudyForm(forms.Form):
    name = forms.CharField(label=_("Name of the study"), max_length=200)
    source = forms.ChoiceField(label=_("Heat source"))
    sinks = forms.MultipleChoiceField(label=_("Heat sinks"), widget=forms.CheckboxSelectMultiple)
    route_length_m = forms.CharField(
        label=_("Drawn route length (m)"),
        required=False,
        widget=NUMBER,
        help_text=_("Empty: estimated as the straight line times 1.3."),
    )
    pipe_dn = forms.ChoiceField(
        label=_("Pipe (DN)"),
        required=False,
        help_text=_("Empty: the smallest pipe carrying the peak power."),
    )

    def __init__(
        self,
        sources: list[HeatDeclaration],
        sinks: list[HeatDeclaration],
        *args: object,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        source_field = self.fields["source"]
        sinks_field = self.fields["sinks"]
        dn_field = self.fields["pipe_dn"]
        assert isinstance(source_field, forms.ChoiceField)
        assert isinstance(sinks_field, forms.ChoiceField)
        assert isinstance(dn_field, forms.ChoiceField)
        source_field.choices = [(str(d.pk), _label(d)) for d in sources]
        sinks_field.choices = [(str(d.pk), _label(d)) for d in sinks]
        dn_field.choices = [("", _("Chosen from the peak power"))] + [
            (str(pipe.dn), f"DN {pipe.dn}") for pipe in heat.pipe_table()
        ]

    @classmethod
    def initial_of(cls, study: HeatStudy) -> dict[str, object]:
        route = study.route_length_m
        return {
            "name": study.name,
            "source": str(study.source_id),
            "sinks": [str(pk) for pk in study.sinks.values_list("pk", flat=True)],
            "route_length_m": "" if route is None else f"{route:g}",
            "pipe_dn": "" if study.pipe_dn is None else str(study.pipe_dn),
        }

    def to_input(self) -> StudyInput:
        data = self.cleaned_data
        return StudyInput(
            name=data["name"],
            source_id=data["source"],
            sink_ids=data["sinks"],
            route_length_m=data["route_length_m"] or None,
            pipe_dn=data["pipe_dn"] or None,
        )


def _label(declaration: HeatDeclaration) -> str:
    return (
        f"{declaration.title} — {declaration.organisation.name} ({declaration.temperature_c:g} °C)"
    )

"""A small heat world for the tests: a foundry with a private source, a town with a public sink,
an outsider, a coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import HeatDeclaration, HeatKind, Visibility


@dataclass
class HeatWorld:
    owner: Any
    outsider: Any
    coordinator: Any
    foundry: Any
    town: Any
    source: HeatDeclaration
    sink: HeatDeclaration


def source_input(**changes: Any) -> actions.HeatInput:
    values: dict[str, Any] = {
        "kind": HeatKind.SOURCE,
        "title": "Fours de la fonderie",
        "medium": "water",
        "temperature_c": "95",
        "return_temperature_c": "55",
        "power_kw": "5000",
        "hours_per_year": "6000",
        "quantity_visibility": Visibility.COORDINATORS,
        "site_visibility": Visibility.COORDINATORS,
    }
    values.update(changes)
    return actions.HeatInput(**values)


def make_world(make_user: Any, make_organisation: Any, coordinator: Any) -> HeatWorld:
    owner = make_user("fondeur")
    outsider = make_user("voisin")
    foundry = make_organisation("Fonderie du Midi", admin=owner, kind="sme")
    town = make_organisation("Ville de Gardanne", admin=make_user("mairie"), kind="public_body")
    make_organisation("Atelier voisin", admin=outsider)
    source = actions.declare_heat(owner, foundry, source_input())
    sink = actions.declare_heat(
        coordinator,
        town,
        actions.HeatInput(
            kind=HeatKind.SINK,
            title="Réseau de chaleur",
            medium="water",
            temperature_c=85,
            return_temperature_c=55,
            power_kw=6250,
            hours_per_year=4000,
            quantity_visibility=Visibility.PUBLIC,
            site_visibility=Visibility.PUBLIC,
        ),
    )
    return HeatWorld(owner, outsider, coordinator, foundry, town, source, sink)

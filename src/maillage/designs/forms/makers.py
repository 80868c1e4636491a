"""The place and radius of "who can make this near me"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.designs.queries.makers import DEFAULT_RADIUS_KM


class PlaceForm(forms.Form):
    commune = forms.CharField(
        label=_("Near"),
        required=False,
        max_length=120,
        help_text=_("A commune or a postal code; empty: your organisation's site."),
    )
    max_km = forms.FloatField(
        label=_("Within (km)"),
        min_value=1,
        max_value=500,
        initial=int(DEFAULT_RADIUS_KM),
        required=False,
    )

    def radius(self) -> float:
        value = self.cleaned_data.get("max_km") if self.is_bound else None
        return float(value) if value else DEFAULT_RADIUS_KM

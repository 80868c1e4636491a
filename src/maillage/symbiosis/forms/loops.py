"""Forms of the loop pages: a shop's stock report, the day of a round."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StockForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Shop"), coerce=int)
    empty_crates = forms.IntegerField(label=_("Crates of empties to collect"), min_value=0)
    full_crates_wanted = forms.IntegerField(label=_("Full crates wanted"), min_value=0)


class RoundForm(forms.Form):
    planned_for = forms.DateField(
        label=_("Day of the round"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    trips = forms.IntegerField(
        label=_("Trips of the van"), min_value=1, max_value=5, initial=1, required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["planned_for"].initial = timezone.localdate()


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m"],
    )
    filled = forms.IntegerField(label=_("Filled"), min_value=0)
    sold = forms.IntegerField(label=_("Sold"), min_value=0)
    returned = forms.IntegerField(label=_("Returned"), min_value=0)
    broken = forms.IntegerField(label=_("Broken or discarded"), min_value=0)

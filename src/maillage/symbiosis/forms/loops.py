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


class LoopForm(forms.Form):
    """A loop's description and figures; the action checks the bounds and names the field."""

    name = forms.CharField(label=_("Name of the loop"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    container = forms.CharField(
        label=_("Container"), max_length=120, help_text=_("For example: 75 cl glass bottle.")
    )
    container_mass_g = forms.IntegerField(label=_("Mass of a reusable container (g)"))
    single_use_mass_g = forms.IntegerField(label=_("Mass of the single-use equivalent (g)"))
    crate_size = forms.IntegerField(label=_("Containers per crate"))
    van_capacity_crates = forms.IntegerField(label=_("Van capacity (crates)"))
    deposit_eur = forms.DecimalField(label=_("Deposit (€)"), decimal_places=2, localize=True)
    containers_in_circulation = forms.IntegerField(label=_("Containers in circulation"))

    FIELDS = (
        "name",
        "description",
        "container",
        "container_mass_g",
        "single_use_mass_g",
        "crate_size",
        "van_capacity_crates",
        "deposit_eur",
        "containers_in_circulation",
    )

    @classmethod
    def initial_of(cls, loop: object) -> dict[str, object]:
        return {name: getattr(loop, name) for name in cls.FIELDS}


class MemberForm(forms.Form):
    """A site joining the loop: the organisation, one of its sites, the role."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(
        self,
        *args: object,
        organisations: list[tuple[int, str]],
        sites: list[tuple[str, list[tuple[int, str]]]],
        site_owner: dict[int, int],
        roles: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.site_owner = site_owner
        blank = [("", "—")]
        self.fields["organisation"].choices = blank + organisations  # type: ignore[attr-defined]
        self.fields["site"].choices = blank + sites  # type: ignore[attr-defined]
        self.fields["role"].choices = blank + roles  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        organisation, site = data.get("organisation"), data.get("site")
        owner = self.site_owner.get(site) if isinstance(site, int) else None
        if organisation is not None and site is not None and owner != organisation:
            self.add_error("site", _("This site is not one of the chosen organisation's."))
        return data

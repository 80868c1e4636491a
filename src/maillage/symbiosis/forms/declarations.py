"""Forms of the declarations pages: one declaration, the CSV import, the listing's filters.

Values are checked again by the actions; the form only shapes them (French decimals, months).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Department, Organisation
from maillage.sharing.forms import DecimalCommaField
from maillage.symbiosis.actions.declarations import DeclarationInput
from maillage.symbiosis.models import (
    Direction,
    MaterialCategory,
    Packaging,
    Period,
    QuantityUnit,
    RegulatoryStatus,
    ResourceDeclaration,
    Visibility,
)
from maillage.symbiosis.queries.declarations import months_of

VISIBILITY_HELP = {
    Visibility.PUBLIC: _("Everyone, including visitors who are not signed in."),
    Visibility.COORDINATORS: _(
        "Only the network's facilitators; each of their reads is logged and you can ask for "
        "the log."
    ),
    Visibility.COUNTERPART: _(
        "The facilitators (each read logged), and the other organisation of a synergy once you "
        "and it have both accepted it."
    ),
}


def french_number(value: Decimal | None) -> str:
    """12.500 → "12,5"; None → ""."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _visibility_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Visibility.choices,
        initial=Visibility.COUNTERPART,
        widget=forms.RadioSelect,
    )


class DeclarationForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    waste_code = forms.CharField(
        label=_("List of Waste code"),
        required=False,
        max_length=12,
        help_text=_("Six digits, e.g. 03 01 05; search a code below by words."),
    )
    category = forms.ChoiceField(
        label=_("Material category"),
        required=False,
        choices=[("", _("Derived from the code")), *list(MaterialCategory.choices)],
        help_text=_("Required when there is no code (a product or virgin material)."),
    )
    regulatory_status = forms.ChoiceField(
        label=_("Regulatory status"), choices=RegulatoryStatus.choices
    )
    quantity_min = DecimalCommaField(label=_("Minimum quantity"))
    quantity_max = DecimalCommaField(label=_("Maximum quantity"))
    unit = forms.ChoiceField(label=_("Unit"), choices=QuantityUnit.choices)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
    months = forms.TypedMultipleChoiceField(
        label=_("Months of availability"),
        choices=sorted(MONTHS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=list(range(1, 13)),
        required=False,
    )
    minimum_lot = DecimalCommaField(label=_("Minimum lot"), required=False)
    packaging = forms.ChoiceField(
        label=_("Packaging"), choices=[("", "—"), *list(Packaging.choices)], required=False
    )
    composition = forms.CharField(
        label=_("Quality and composition notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    price = DecimalCommaField(label=_("Price per unit (€)"), required=False)
    current_cost = DecimalCommaField(
        label=_("Current cost per unit (€)"),
        required=False,
        help_text=_("What you pay today: disposal for an offer, virgin purchase for a demand."),
    )
    quantity_visibility = _visibility_field(_("Who sees the exact quantity"))
    price_visibility = _visibility_field(_("Who sees the price and costs"))
    composition_visibility = _visibility_field(_("Who sees the composition"))
    site_visibility = _visibility_field(_("Who sees the exact site"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = [
            (site.pk, site.name or site.city or str(site.pk)) for site in organisation.sites.all()
        ]

    @staticmethod
    def initial_for(declaration: ResourceDeclaration) -> dict[str, Any]:
        return {
            "direction": declaration.direction,
            "title": declaration.title,
            "site": declaration.site_id,
            "waste_code": declaration.waste_code_id or "",
            "category": declaration.category,
            "regulatory_status": declaration.regulatory_status,
            "quantity_min": french_number(declaration.quantity_min),
            "quantity_max": french_number(declaration.quantity_max),
            "unit": declaration.unit,
            "period": declaration.period,
            "months": months_of(declaration.months),
            "minimum_lot": french_number(declaration.minimum_lot),
            "packaging": declaration.packaging,
            "composition": declaration.composition,
            "price": french_number(declaration.price),
            "current_cost": french_number(declaration.current_cost),
            "quantity_visibility": declaration.quantity_visibility,
            "price_visibility": declaration.price_visibility,
            "composition_visibility": declaration.composition_visibility,
            "site_visibility": declaration.site_visibility,
        }

    def to_input(self) -> DeclarationInput:
        data = self.cleaned_data
        return DeclarationInput(
            site_id=data["site"],
            direction=data["direction"],
            title=data["title"],
            waste_code=data["waste_code"],
            category=data["category"],
            quantity_min=data["quantity_min"],
            quantity_max=data["quantity_max"],
            unit=data["unit"],
            period=data["period"],
            months=data["months"],
            minimum_lot=data["minimum_lot"],
            composition=data["composition"],
            packaging=data["packaging"],
            regulatory_status=data["regulatory_status"],
            price=data["price"],
            current_cost=data["current_cost"],
            quantity_visibility=data["quantity_visibility"],
            price_visibility=data["price_visibility"],
            composition_visibility=data["composition_visibility"],
            site_visibility=data["site_visibility"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    MAX_BYTES = 1_000_000

    def text(self) -> str:
        """The file as text; a form error when it is too large or not UTF-8."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        raw = upload.read()
        try:
            return str(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                return str(raw.decode("cp1252"))
            except UnicodeDecodeError:
                raise forms.ValidationError(_("Save the file as UTF-8 CSV.")) from None


class FilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("Offers and demands")), *list(Direction.choices)],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Every category")), *list(MaterialCategory.choices)],
        required=False,
    )
    code = forms.CharField(label=_("Code starts with"), max_length=12, required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    q = forms.CharField(label=_("Words"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Every department"))] + [
            (d.code, f"{d.code} {d.name}")
            for d in Department.objects.filter(sites__resource_declarations__isnull=False)
            .distinct()
            .order_by("code")
        ]

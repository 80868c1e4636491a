"""Sharing forms: they shape what people type (local times, euros); the actions validate it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.core.dates import validate_in_window
from maillage.core.forms import add_action_errors, input_from
from maillage.directory.models import Organisation
from maillage.qualifications.models import Training
from maillage.sharing.actions.hours import WindowInput
from maillage.sharing.actions.offers import OfferInput
from maillage.sharing.actions.usage import UsageInput
from maillage.sharing.availability import PARIS, RULE_FIELDS, local_instant
from maillage.sharing.models import WEEKDAYS, Audience, Billing, ExceptionKind, Mode, Offer

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_in_window],
        **kwargs,
    )


def _time_field(label: Any, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        **kwargs,
    )


def local_slot(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Aware instants for a slot typed as a day and two wall-clock times in Europe/Paris.

    An end earlier than the start means the next day (an overnight job); an end equal to the
    start is left for the action to refuse.
    """
    end_day = day + dt.timedelta(days=1) if end < start else day
    return local_instant(day, start, PARIS), local_instant(end_day, end, PARIS)


def parse_decimal(text: str | None) -> Decimal | None:
    """Parse "2,5", "2.5", " 1 234,50 " → Decimal; '' → None; anything else raises ValueError."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_euros(text: str | None) -> int | None:
    """A price typed in euros ("12,50", "12.5 €", "12") → cents; '' → None."""
    value = parse_decimal((text or "").replace("€", ""))
    if value is None:
        return None
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(text)
    return int(cents)


def euros_text(cents: int) -> str:
    """Cents as the form shows them back: "12,50", "0"."""
    if cents % 100 == 0:
        return str(cents // 100)
    return f"{cents // 100},{cents % 100:02d}"


class _NumberTextField(forms.CharField):
    """A number typed as text, with a decimal comma or point; `parse` turns it into a value."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "size": 8, "maxlength": 20})

    def parse(self, text: str | None) -> Any:
        raise NotImplementedError

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        try:
            return self.parse(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class EurosField(_NumberTextField):
    """Euros with a decimal comma or point, cleaned to whole cents."""

    default_error_messages = {
        "invalid": _("Give an amount in euros, such as 12,50."),
    }

    def parse(self, text: str | None) -> int | None:
        return parse_euros(text)


class DecimalCommaField(_NumberTextField):
    """A decimal number with a comma or a point."""

    default_error_messages = {"invalid": _("Give a number, such as 2,5.")}

    def parse(self, text: str | None) -> Decimal | None:
        return parse_decimal(text)


# --- booking -------------------------------------------------------------------------


class SlotForm(forms.Form):
    """A day and two local times; `start` and `end` carry the actions' messages."""

    date = _date_field(_("Day"))
    start = _time_field(_("From"))
    end = _time_field(
        _("To"), help_text=_("Local time. An end earlier than the start means the next day.")
    )

    def slot(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        return local_slot(data["date"], data["start"], data["end"])

    @staticmethod
    def initial_for(start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
        local_start, local_end = start.astimezone(PARIS), end.astimezone(PARIS)
        return {
            "date": local_start.date(),
            "start": local_start.time().replace(second=0, microsecond=0),
            "end": local_end.time().replace(second=0, microsecond=0),
        }


class BookingForm(SlotForm):
    booker_organisation = forms.ModelChoiceField(
        label=_("Book for"),
        queryset=Organisation.objects.none(),
        help_text=_("The organisation that pays; its price tier applies."),
    )
    note = forms.CharField(
        label=_("Note to the host"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    safety_acknowledged = forms.BooleanField(
        label=_("I have read the safety notes and will follow them."), required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation] = (),
        safety_notes: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        if len(organisations) > 1:
            field = self.fields["booker_organisation"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Organisation.objects.filter(
                pk__in=[o.pk for o in organisations]
            ).order_by("name")
        else:
            del self.fields["booker_organisation"]
        if not safety_notes:
            del self.fields["safety_acknowledged"]


class MoveForm(SlotForm):
    pass


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"size": 30, "placeholder": _("Reason (optional)")}),
    )


class UsageForm(forms.Form):
    hours_used = DecimalCommaField(
        label=_("Machine hours used"), help_text=_("For example 1,5 for an hour and a half.")
    )
    meter_reading = DecimalCommaField(label=_("Meter reading"), required=False)
    consumables = forms.CharField(
        label=_("Consumables"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    problem_report = forms.CharField(
        label=_("Problem to report"),
        required=False,
        max_length=4000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Anything the host should know: a fault, wear, a missing tool."),
    )

    def to_input(self) -> UsageInput:
        return input_from(self, UsageInput)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


# --- the host's offer ----------------------------------------------------------------

# Form field → the OfferInput (and action error) name, where they differ.
EURO_FIELDS = {
    "price_own": "price_own_cents",
    "price_member": "price_member_cents",
    "price_outsider": "price_outsider_cents",
    "fixed_fee": "fixed_fee_cents",
}


class TrainingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.organisation.name}"


class OfferForm(forms.Form):
    active = forms.BooleanField(label=_("Open for booking"), required=False)
    audience = forms.ChoiceField(label=_("Who may book"), choices=Audience.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    billing = forms.ChoiceField(label=_("Billing"), choices=Billing.choices)
    price_own = EurosField(label=_("Hourly price, own organisation (€)"), required=False)
    price_member = EurosField(label=_("Hourly price, network member (€)"), required=False)
    price_outsider = EurosField(label=_("Hourly price, outsider (€)"), required=False)
    fixed_fee = EurosField(label=_("Fixed fee per booking (€)"), required=False)
    min_minutes = forms.IntegerField(label=_("Minimum duration (minutes)"))
    max_minutes = forms.IntegerField(label=_("Maximum duration (minutes)"))
    buffer_minutes = forms.IntegerField(label=_("Buffer between bookings (minutes)"))
    min_notice_minutes = forms.IntegerField(label=_("Minimum notice (minutes)"))
    horizon_days = forms.IntegerField(label=_("Booking horizon (days)"))
    no_show_grace_minutes = forms.IntegerField(label=_("No-show grace period (minutes)"))
    required_trainings = TrainingChoiceField(
        label=_("Required trainings"),
        queryset=Training.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Trainings for this machine, or for one of its processes or a broader one."),
    )
    accept_network_qualifications = forms.BooleanField(
        label=_("Accept equivalent trainings given elsewhere in the network"), required=False
    )
    safety_notes = forms.CharField(
        label=_("Safety notes the booker must acknowledge"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, trainings: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["required_trainings"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if trainings is not None:
            field.queryset = trainings
        for name in (*RULE_FIELDS, "no_show_grace_minutes"):
            self.fields[name].widget.attrs.update({"size": 6})

    @staticmethod
    def initial_for(offer: Offer | None) -> dict[str, Any]:
        data = OfferInput()
        initial: dict[str, Any] = {
            name: value for name, value in vars(data).items() if name != "required_training_ids"
        }
        if offer is not None:
            for name in initial:
                initial[name] = getattr(offer, name)
            initial["required_trainings"] = list(offer.required_trainings.all())
        for form_name, input_name in EURO_FIELDS.items():
            initial[form_name] = euros_text(initial.pop(input_name))
        return initial

    def to_input(self) -> OfferInput:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in vars(OfferInput())
            if name in self.fields and name != "required_trainings"
        }
        for form_name, input_name in EURO_FIELDS.items():
            values[input_name] = data[form_name] or 0
        values["required_training_ids"] = tuple(t.pk for t in data["required_trainings"])
        return OfferInput(**values)

    def add_action_errors(self, exc: ValidationError) -> None:
        """The action's errors beside the fields, its cents names mapped to the euro fields."""
        if hasattr(exc, "error_dict"):
            back = {v: k for k, v in EURO_FIELDS.items()}
            exc = ValidationError(
                {back.get(name, name): messages for name, messages in exc.message_dict.items()}
            )
        add_action_errors(self, exc)


class WindowForm(forms.Form):
    """One weekly opening line; an empty line is ignored."""

    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", "—"), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    start = _time_field(_("Opens at"), required=False)
    end = _time_field(_("Closes at"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [data.get(n) is not None for n in ("weekday", "start", "end")]
        if any(filled) and not all(filled):
            raise ValidationError(_("Give the day, the opening and the closing time."))
        return data

    def to_input(self) -> WindowInput | None:
        data = self.cleaned_data
        if data.get("weekday") is None:
            return None
        return WindowInput(weekday=data["weekday"], start=data["start"], end=data["end"])


WindowFormSet = forms.formset_factory(WindowForm, extra=10, max_num=10, absolute_max=10)


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ExceptionKind.choices, initial=ExceptionKind.CLOSURE
    )
    start = forms.DateTimeField(
        label=_("From"),
        input_formats=DATETIME_FORMATS,
        validators=[validate_in_window],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("To"),
        input_formats=DATETIME_FORMATS,
        validators=[validate_in_window],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class DownForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it out of service?"), max_length=200, widget=forms.TextInput({"size": 30})
    )

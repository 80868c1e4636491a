"""The host's offer of a machine: its terms, opening hours, closures, downtime."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.equipment.models import MachineStatus
from maillage.qualifications.queries import trainings_for_machine
from maillage.sharing.actions import closures, offers
from maillage.sharing.actions import hours as opening_hours
from maillage.sharing.forms import DownForm, ExceptionForm, OfferForm, WindowFormSet
from maillage.sharing.models import AvailabilityException, Downtime, Offer
from maillage.sharing.views.common import acting_user, visible_machine


@login_required
def offer_edit(request: HttpRequest, machine_id: int) -> HttpResponse:
    machine = visible_machine(request, machine_id)
    if not permissions.can_host(request.user, machine.organisation):
        raise PermissionDenied
    actor = acting_user(request)
    offer = Offer.objects.filter(machine=machine).first()
    required_ids = list(offer.required_trainings.values_list("pk", flat=True)) if offer else []
    trainings = trainings_for_machine(machine, also=required_ids)
    section = request.POST.get("section") if request.method == "POST" else None

    offer_form = OfferForm(
        request.POST if section == "offer" else None,
        initial=OfferForm.initial_for(offer),
        trainings=trainings,
    )
    hours = WindowFormSet(
        request.POST if section == "hours" else None,
        initial=[
            {"weekday": w.weekday, "start": w.start, "end": w.end}
            for w in machine.opening_windows.all()
        ],
        prefix="windows",
    )
    hours_errors: list[str] = []
    exception_form = ExceptionForm(request.POST if section == "closure" else None)

    if section == "offer" and offer_form.is_valid():
        try:
            offers.save_offer(actor, machine, offer_form.to_input())
        except ValidationError as exc:
            offer_form.add_action_errors(exc)
        else:
            messages.success(request, _("Sharing offer saved."))
            return redirect("sharing:offer_edit", machine.pk)
    elif section == "hours" and hours.is_valid():
        windows = [w for w in (f.to_input() for f in hours.forms) if w is not None]
        try:
            opening_hours.set_opening_windows(actor, windows, machine=machine)
        except ValidationError as exc:
            hours_errors = exc.messages
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("sharing:offer_edit", machine.pk)
    elif section == "closure" and exception_form.is_valid():
        data = exception_form.cleaned_data
        try:
            closures.add_exception(
                actor, machine, data["kind"], data["start"], data["end"], data["reason"]
            )
        except ValidationError as exc:
            add_action_errors(exception_form, exc)
        else:
            messages.success(request, _("Closure saved."))
            return redirect("sharing:offer_edit", machine.pk)
    elif section == "remove_closure":
        try:
            exception_id = int(request.POST.get("exception", ""))
        except ValueError:
            raise Http404 from None
        exception = get_object_or_404(AvailabilityException, pk=exception_id, machine=machine)
        closures.remove_exception(actor, exception)
        messages.success(request, _("Closure removed."))
        return redirect("sharing:offer_edit", machine.pk)

    now = timezone.now()
    return render(
        request,
        "sharing/offer_edit.html",
        {
            "machine": machine,
            "offer": offer,
            "offer_form": offer_form,
            "hours": hours,
            "hours_errors": hours_errors,
            "exception_form": exception_form,
            "exceptions": AvailabilityException.objects.filter(
                machine=machine, end__gte=now
            ).order_by("start"),
            "site_windows": machine.site.opening_windows.all()
            if not machine.opening_windows.exists()
            else [],
            "downtime": Downtime.objects.filter(machine=machine, end__isnull=True).first(),
            "down_form": DownForm(),
            "is_down": machine.status == MachineStatus.DOWN,
        },
    )

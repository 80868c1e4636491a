"""Training pages: the network's trainings, one training with its sessions, attendance, mine.

Forms are here rather than in `forms.py` (kept by the bookings pages); they only shape input,
the actions validate and save.
"""

from __future__ import annotations

from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.core.dates import validate_in_window
from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import Organisation, User
from maillage.directory.queries import visible_organisations
from maillage.equipment.forms import process_choices
from maillage.equipment.models import Machine, MachineStatus, Process
from maillage.equipment.queries import machines_with_process
from maillage.sharing import actions, actions_trainings
from maillage.sharing.actions_trainings import can_manage_training
from maillage.sharing.models import Qualification, Registration, Training, TrainingSession
from maillage.sharing.qualifications import is_valid

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


# --- forms ------------------------------------------------------------------------------


class TrainingFilterForm(forms.Form):
    process = forms.ChoiceField(label=gettext_lazy("Process"), required=False)
    machine = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["process"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any process")), *process_choices()]


class TrainingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    machine = forms.ChoiceField(
        label=gettext_lazy("Machine"),
        required=False,
        help_text=gettext_lazy("A training for one of your machines…"),
    )
    process = forms.ChoiceField(
        label=gettext_lazy("Process"),
        required=False,
        help_text=gettext_lazy(
            "…or for a process: it then qualifies for every machine of that process "
            "and of its sub-processes."
        ),
    )
    validity_months = forms.IntegerField(
        label=gettext_lazy("Valid for (months)"), min_value=1, max_value=240, initial=24
    )
    idle_lapse_months = forms.IntegerField(
        label=gettext_lazy("Lapses after (months without use)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=gettext_lazy("Empty: use does not matter."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.machines = {
            str(m.pk): m
            for m in organisation.machines.exclude(status=MachineStatus.RETIRED).order_by("name")
        }
        machine_field = self.fields["machine"]
        assert isinstance(machine_field, forms.ChoiceField)
        machine_field.choices = [("", "—")] + [(k, m.name) for k, m in self.machines.items()]
        process_field = self.fields["process"]
        assert isinstance(process_field, forms.ChoiceField)
        process_field.choices = [("", "—"), *process_choices()]

    def chosen_machine(self) -> Machine | None:
        return self.machines.get(self.cleaned_data["machine"] or "")


class SessionForm(forms.Form):
    start = forms.DateTimeField(
        label=gettext_lazy("Start"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        validators=[validate_in_window],
    )
    end = forms.DateTimeField(
        label=gettext_lazy("End"),
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
        validators=[validate_in_window],
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"), min_value=1, max_value=1000, initial=6
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)


class GrantForm(forms.Form):
    who = forms.CharField(
        label=gettext_lazy("Username or e-mail"),
        max_length=254,
        help_text=gettext_lazy("Qualifies this person now, without a session."),
    )


# --- reads ------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _visible_trainings(user: Any) -> QuerySet[Training]:
    """Trainings of the organisations this person may see."""
    return Training.objects.filter(organisation__in=visible_organisations(user).values("pk"))


def _ancestor_codes(path: str) -> list[str]:
    return [code for code in path.split("|") if code]


def _for_process(qs: QuerySet[Training], process: Process) -> QuerySet[Training]:
    """Trainings that concern this process: for it, a broader or a narrower one, or a
    machine that does it."""
    return qs.filter(
        Q(process__path__startswith=process.path)
        | Q(process__code__in=_ancestor_codes(process.path))
        | Q(machine__in=machines_with_process(process.code))
    )


def _for_machine(qs: QuerySet[Training], machine: Machine) -> QuerySet[Training]:
    """Trainings that qualify for this machine: its own, or one for a process it does (or a
    broader one), as `qualifications.equivalent_trainings` counts them."""
    codes: set[str] = set()
    for path in machine.processes.values_list("path", flat=True):
        codes.update(_ancestor_codes(path))
    return qs.filter(Q(machine=machine) | Q(process__code__in=codes))


def _upcoming_sessions(now: Any) -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=TrainingSession.objects.filter(end__gt=now)
        .annotate(taken=Count("registrations"))
        .order_by("start"),
        to_attr="upcoming",
    )


def _places_left(session: TrainingSession) -> int:
    return max(0, session.capacity - int(getattr(session, "taken", 0)))


# --- pages ------------------------------------------------------------------------------


def training_list(request: HttpRequest) -> HttpResponse:
    form = TrainingFilterForm(request.GET)
    qs = _visible_trainings(request.user)
    machine: Machine | None = None
    process: Process | None = None
    if form.is_valid():
        code = form.cleaned_data["process"]
        process = Process.objects.filter(code=code).first() if code else None
        machine_id = form.cleaned_data["machine"]
        if machine_id:
            machine = (
                Machine.objects.filter(
                    pk=machine_id, organisation__in=visible_organisations(request.user)
                )
                .select_related("organisation")
                .first()
            )
            if machine is None:
                raise Http404
    if process is not None:
        qs = _for_process(qs, process)
    if machine is not None:
        qs = _for_machine(qs, machine)
    now = timezone.now()
    trainings = list(
        qs.select_related("organisation", "trainer", "machine", "process")
        .prefetch_related(_upcoming_sessions(now))
        .order_by("title", "pk")
    )
    for training in trainings:
        for session in training.upcoming:  # type: ignore[attr-defined]
            session.places_left = _places_left(session)
    return render(
        request,
        "sharing/trainings/list.html",
        {"form": form, "trainings": trainings, "machine": machine, "process": process},
    )


def _organisation_or_404(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not permissions.can_view_organisation(request.user, organisation):
        raise Http404
    return organisation


@login_required
def training_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(request, slug)
    if not permissions.can_train(request.user, organisation):
        raise PermissionDenied
    form = TrainingForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training = actions.create_training(
                _actor(request),
                organisation,
                data["title"],
                machine=form.chosen_machine(),
                process_code=data["process"] or "",
                validity_months=data["validity_months"],
                idle_lapse_months=data["idle_lapse_months"],
                description=data["description"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Training created. Now schedule its sessions."))
            return redirect("trainings:detail", training_id=training.pk)
    return render(
        request, "sharing/trainings/form.html", {"form": form, "organisation": organisation}
    )


def _training_or_404(request: HttpRequest, training_id: int) -> Training:
    training = get_object_or_404(
        Training.objects.select_related("organisation", "trainer", "machine", "process"),
        pk=training_id,
    )
    if not permissions.can_view_organisation(request.user, training.organisation):
        raise Http404
    return training


def training_detail(request: HttpRequest, training_id: int) -> HttpResponse:
    training = _training_or_404(request, training_id)
    manager = can_manage_training(request.user, training)
    session_form = SessionForm(prefix="session")
    grant_form = GrantForm(prefix="grant")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if not manager:
            raise PermissionDenied
        if request.POST.get("form") == "session":
            session_form = SessionForm(request.POST, prefix="session")
            if session_form.is_valid():
                data = session_form.cleaned_data
                try:
                    actions.schedule_session(
                        _actor(request),
                        training,
                        data["start"],
                        data["end"],
                        data["capacity"],
                        data["place"],
                    )
                except ValidationError as exc:
                    add_action_errors(session_form, exc)
                else:
                    messages.success(request, _("Session scheduled."))
                    return redirect("trainings:detail", training_id=training.pk)
        elif request.POST.get("form") == "grant":
            grant_form = GrantForm(request.POST, prefix="grant")
            if grant_form.is_valid():
                try:
                    qualification = actions_trainings.grant_to(
                        _actor(request), training, grant_form.cleaned_data["who"]
                    )
                except ValidationError as exc:
                    add_action_errors(grant_form, exc)
                else:
                    messages.success(
                        request,
                        _("%(name)s is qualified until %(date)s.")
                        % {
                            "name": qualification.user.display_name(),
                            "date": timezone.localtime(qualification.expires_at).strftime(
                                "%d/%m/%Y"
                            ),
                        },
                    )
                    return redirect("trainings:detail", training_id=training.pk)
    now = timezone.now()
    sessions = list(
        training.sessions.annotate(taken=Count("registrations")).order_by("-start")
        if manager
        else training.sessions.filter(end__gt=now).annotate(taken=Count("registrations"))
    )
    mine: set[int] = set()
    if request.user.is_authenticated:
        mine = set(
            Registration.objects.filter(
                user=_actor(request), session__training=training
            ).values_list("session_id", flat=True)
        )
    for session in sessions:
        session.places_left = _places_left(session)  # type: ignore[attr-defined]
        session.is_mine = session.pk in mine  # type: ignore[attr-defined]
        session.is_open = session.start > now  # type: ignore[attr-defined]
    holders: list[Qualification] = []
    if manager:
        holders = list(training.qualifications.select_related("user", "issued_by", "training"))
        for qualification in holders:
            qualification.status = is_valid(qualification, now)  # type: ignore[attr-defined]
    return render(
        request,
        "sharing/trainings/detail.html",
        {
            "training": training,
            "sessions": sessions,
            "manager": manager,
            "session_form": session_form,
            "grant_form": grant_form,
            "holders": holders,
        },
    )


@login_required
@require_POST
def session_register(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        TrainingSession.objects.select_related("training__organisation"), pk=session_id
    )
    if not permissions.can_view_organisation(request.user, session.training.organisation):
        raise Http404
    try:
        actions_trainings.register_for_session(_actor(request), session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("You are registered for the session of %(date)s.")
            % {"date": timezone.localtime(session.start).strftime("%d/%m/%Y %H:%M")},
        )
    return redirect("trainings:detail", training_id=session.training_id)


@login_required
def session_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        TrainingSession.objects.select_related(
            "training__organisation", "training__trainer", "training__machine"
        ),
        pk=session_id,
    )
    training = session.training
    if not permissions.can_view_organisation(request.user, training.organisation):
        raise Http404
    if not can_manage_training(request.user, training):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        try:
            attended = {int(v) for v in request.POST.getlist("attended")}
        except ValueError:
            attended = set()
            errors.append(_("Tick people from the list."))
        if not errors:
            try:
                granted = actions_trainings.record_attendance_sheet(
                    _actor(request), session, attended
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(
                    request,
                    _("Attendance saved; %(n)s qualification(s) granted.") % {"n": len(granted)},
                )
                return redirect("trainings:attendance", session_id=session.pk)
    registrations = list(session.registrations.select_related("user").order_by("user__username"))
    return render(
        request,
        "sharing/trainings/attendance.html",
        {
            "session": session,
            "training": training,
            "registrations": registrations,
            "errors": errors,
            "started": session.start <= timezone.now(),
        },
    )


@login_required
def my_qualifications(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    qualifications = list(
        Qualification.objects.filter(user=_actor(request)).select_related(
            "training__organisation", "training__machine", "training__process", "issued_by"
        )
    )
    for qualification in qualifications:
        qualification.status = is_valid(qualification, now)  # type: ignore[attr-defined]
        idle = qualification.training.idle_lapse_months
        if idle:
            last = max(
                qualification.issued_at, qualification.last_used_at or qualification.issued_at
            )
            qualification.lapses_at = last + relativedelta(months=idle)  # type: ignore[attr-defined]
    registrations = (
        Registration.objects.filter(user=_actor(request), session__end__gt=now)
        .select_related("session__training__organisation")
        .order_by("session__start")
    )
    return render(
        request,
        "sharing/trainings/mine.html",
        {"qualifications": qualifications, "registrations": registrations},
    )

"""Training pages: the network's trainings, one training with its sessions, attendance, mine."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import add_action_errors
from maillage.directory import permissions
from maillage.directory.models import Organisation, User
from maillage.directory.queries import visible_organisations
from maillage.equipment.models import Machine, Process
from maillage.qualifications import actions, queries
from maillage.qualifications.equivalence import is_valid
from maillage.qualifications.forms import GrantForm, SessionForm, TrainingFilterForm, TrainingForm
from maillage.qualifications.models import Qualification, Registration, Training, TrainingSession
from maillage.qualifications.permissions import can_manage_training


def _actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def training_list(request: HttpRequest) -> HttpResponse:
    form = TrainingFilterForm(request.GET)
    qs = queries.visible_trainings(request.user)
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
        qs = queries.for_process(qs, process)
    if machine is not None:
        qs = queries.for_machine(qs, machine)
    now = timezone.now()
    trainings = list(
        qs.select_related("organisation", "trainer", "machine", "process")
        .prefetch_related(queries.upcoming_sessions(now))
        .order_by("title", "pk")
    )
    for training in trainings:
        for session in training.upcoming:  # type: ignore[attr-defined]
            session.places_left = queries.places_left(session)
    return render(
        request,
        "qualifications/list.html",
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
    return render(request, "qualifications/form.html", {"form": form, "organisation": organisation})


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
                    qualification = actions.grant_to(
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
        session.places_left = queries.places_left(session)  # type: ignore[attr-defined]
        session.is_mine = session.pk in mine  # type: ignore[attr-defined]
        session.is_open = session.start > now  # type: ignore[attr-defined]
    holders: list[Qualification] = []
    if manager:
        holders = list(training.qualifications.select_related("user", "issued_by", "training"))
        for qualification in holders:
            qualification.status = is_valid(qualification, now)  # type: ignore[attr-defined]
    return render(
        request,
        "qualifications/detail.html",
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
        actions.register_for_session(_actor(request), session)
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
                granted = actions.record_attendance_sheet(_actor(request), session, attended)
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
        "qualifications/attendance.html",
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
        "qualifications/mine.html",
        {"qualifications": qualifications, "registrations": registrations},
    )

"""Directory pages: organisation pages, membership and moderation."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import add_action_errors
from maillage.core.text import has_control_characters
from maillage.core.views import flash_outcome, save_form
from maillage.directory import permissions
from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import people as people_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.forms import (
    InvitationForm,
    ModerationForm,
    OrganisationForm,
    SignUpForm,
    SiteForm,
    TokenForm,
)
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
    Site,
    User,
)

TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _visible_or_404(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(
        Organisation.objects.select_related("naf", "duplicate_of"), slug=slug
    )
    if not permissions.can_view_organisation(request.user, organisation):
        raise Http404
    return organisation


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    last_change = organisation.history.select_related("history_user").first()
    membership = permissions.membership_of(request.user, organisation)
    pending_request = (
        request.user.is_authenticated
        and Membership.objects.filter(
            user=request.user, organisation=organisation, state=MembershipState.REQUESTED
        ).exists()
    )
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "sites": organisation.sites.select_related("commune", "department"),
            "machines": organisation.machines.exclude(status="retired").prefetch_related(
                "processes"
            ),
            "last_change": last_change,
            "membership": membership,
            "pending_request": pending_request,
            "can_edit": permissions.can_edit_organisation(request.user, organisation),
            "can_edit_sites": permissions.can_edit_sites(request.user, organisation),
            "can_host": permissions.can_host(request.user, organisation),
            "can_train": permissions.can_train(request.user, organisation),
            "is_coordinator": permissions.is_coordinator(request.user),
            "tiles_url": TILES_URL,
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, prefix="org")
    site_form = SiteForm(request.POST or None, prefix="site")
    if request.method == "POST" and form.is_valid() and site_form.is_valid():
        try:
            organisation = organisation_actions.create_organisation(
                _actor(request), form.to_input(), [site_form.to_input()]
            )
        except ValidationError as exc:
            site_errors = _only_site_errors(exc, form.cleaned_data.get("name", ""))
            add_action_errors(site_form, site_errors)
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {k: v for k, v in exc.error_dict.items() if k not in site_errors.error_dict}
                )
            add_action_errors(form, exc)
        else:
            if organisation.status == OrganisationStatus.PENDING:
                messages.success(
                    request,
                    _(
                        "Thank you! A network coordinator will validate %(name)s before it appears "
                        "on the map."
                    )
                    % {"name": organisation.name},
                )
            return redirect(organisation)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "site_form": site_form, "creating": True, "tiles_url": TILES_URL},
    )


def _only_site_errors(exc: ValidationError, organisation_name: str) -> ValidationError:
    site_fields = set(SiteForm.base_fields)
    if has_control_characters(organisation_name):
        site_fields.discard("name")  # both forms have a name: this error is the organisation's
    if not hasattr(exc, "error_dict"):
        return ValidationError({})
    return ValidationError({k: v for k, v in exc.error_dict.items() if k in site_fields})


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(
        request.POST or None, initial=OrganisationForm.initial_for(organisation), prefix="org"
    )
    saved = save_form(
        request,
        form,
        lambda: organisation_actions.update_organisation(
            _actor(request), organisation, form.to_input()
        ),
        _("Saved."),
    )
    if saved is not None:
        return redirect(organisation)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


@login_required
def site_edit(request: HttpRequest, slug: str, site_id: int | None = None) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    if not permissions.can_edit_sites(request.user, organisation):
        raise PermissionDenied
    site = get_object_or_404(Site, pk=site_id, organisation=organisation) if site_id else None
    initial: dict[str, Any] = {"country": "FR"}
    if site is not None:
        initial = asdict(site_actions.SiteInput.of(site))
    form = SiteForm(request.POST or None, initial=initial)

    def save() -> Site:
        data = form.to_input()
        if site is None:
            return site_actions.add_site(_actor(request), organisation, data)
        if _place_changed(site, data) and not _coords_changed(site, data):
            data.latitude = data.longitude = None  # a new commune: locate the site again
        return site_actions.update_site(_actor(request), site, data)

    if save_form(request, form, save, _("Site saved.")) is not None:
        return redirect(organisation)
    return render(
        request,
        "directory/site_form.html",
        {"form": form, "organisation": organisation, "site": site, "tiles_url": TILES_URL},
    )


def _place_changed(site: Site, data: site_actions.SiteInput) -> bool:
    old = site.commune.name if site.commune else site.city
    return data.commune.strip() != old or data.postal_code.strip() != site.postal_code


def _coords_changed(site: Site, data: site_actions.SiteInput) -> bool:
    return (data.latitude, data.longitude) != (site.latitude, site.longitude)


@login_required
@require_POST
def site_delete(request: HttpRequest, slug: str, site_id: int) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    site = get_object_or_404(Site, pk=site_id, organisation=organisation)
    flash_outcome(
        request,
        lambda: site_actions.delete_site(_actor(request), site),
        _("Site removed."),
        one_message_each=True,
    )
    return redirect(organisation)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    if not permissions.can_manage_members(request.user, organisation):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    invitation = save_form(
        request,
        form,
        lambda: people_actions.invite_member(
            _actor(request), organisation, form.cleaned_data["email"], form.cleaned_data["role"]
        ),
        _("Invitation sent."),
    )
    if invitation is not None:
        return redirect("directory:members", slug=slug)
    return render(
        request,
        "directory/members.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by(
                "state", "user__username"
            ),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "roles": Role.choices,
            "form": form,
        },
    )


@login_required
@require_POST
def membership_decide(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    if request.POST.get("decision") == "approve":
        decide = people_actions.approve_membership
    else:
        decide = people_actions.remove_membership
    flash_outcome(request, lambda: decide(_actor(request), membership))
    return redirect("directory:members", slug=slug)


@login_required
@require_POST
def membership_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    flash_outcome(
        request,
        lambda: people_actions.set_member_role(
            _actor(request), membership, str(request.POST.get("role", ""))
        ),
        lambda changed: (
            _("%(name)s is now: %(role)s.")
            % {"name": changed.user.display_name(), "role": changed.get_role_display()}
        ),
    )
    return redirect("directory:members", slug=slug)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _visible_or_404(request, slug)
    flash_outcome(
        request,
        lambda: people_actions.request_membership(_actor(request), organisation),
        _("Your request was sent to the organisation's admins."),
    )
    return redirect(organisation)


@login_required
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = people_actions.accept_invitation(_actor(request), token)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("directory:my_organisations")
        messages.success(request, _("Welcome to %(name)s!") % {"name": membership.organisation})
        return redirect(membership.organisation)
    invitation = people_actions.open_invitation(token)
    if invitation is None:
        raise Http404
    return render(request, "directory/accept_invitation.html", {"invitation": invitation})


@login_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    token_form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and token_form.is_valid():
        _token, new_key = people_actions.create_api_token(
            _actor(request), token_form.cleaned_data["name"]
        )
        token_form = TokenForm()
    return render(
        request,
        "directory/my_organisations.html",
        {
            "memberships": Membership.objects.filter(user=_actor(request)).select_related(
                "organisation"
            ),
            "tokens": _actor(request).api_tokens.all(),
            "token_form": token_form,
            "new_key": new_key,
        },
    )


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    # The coordinators' queue: pending first, every decision kept with its reason.
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied
    status = request.GET.get("status", OrganisationStatus.PENDING)
    if status not in OrganisationStatus.values:
        status = OrganisationStatus.PENDING
    counts = dict(
        Organisation.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    organisations = (
        Organisation.objects.filter(status=status)
        .select_related("created_by", "moderated_by", "duplicate_of")
        .prefetch_related("sites__commune")
        .order_by("-created_at")
    )
    page = Paginator(organisations, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/moderation.html",
        {
            "status": status,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in OrganisationStatus.choices],
            "page": page,
            "form": ModerationForm(),
        },
    )


@login_required
@require_POST
def moderate(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("directory:moderation")
    duplicate_of = None
    if form.cleaned_data["duplicate_of"]:
        duplicate_of = Organisation.objects.filter(slug=form.cleaned_data["duplicate_of"]).first()
    try:
        organisation_actions.moderate_organisation(
            _actor(request),
            organisation,
            form.cleaned_data["status"],
            form.cleaned_data["reason"],
            duplicate_of,
        )
    except ValidationError as exc:
        messages.error(request, f"{organisation.name}: " + " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": organisation.name, "status": organisation.get_status_display()},
        )
    return redirect("directory:moderation")


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = people_actions.sign_up(
                data["username"],
                data["email"],
                data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
            return render(request, "registration/signup.html", {"form": form})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Create your organisation or join one."))
        next_url = request.GET.get("next") or ""
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("directory:my_organisations")
    return render(request, "registration/signup.html", {"form": form})


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")

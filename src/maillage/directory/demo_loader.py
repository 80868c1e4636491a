"""Load the demo territory's directory: accounts for each role and the fictitious organisations."""

from __future__ import annotations

from django.utils import timezone

from maillage.core.text import fold
from maillage.directory import actions
from maillage.directory.demo import demo_organisations
from maillage.directory.models import (
    Commune,
    Membership,
    Organisation,
    OrganisationStatus,
    Role,
    User,
)

PASSWORD = "maillage-demo"
ACCOUNTS = [
    # username, first name, role description
    ("coordination", "Camille", "network coordinator"),
    ("admin-atelier", "Alex", "organisation admin"),
    ("hote-atelier", "Morgan", "host of the organisation's machines"),
    ("formateur-atelier", "Lou", "trainer of the organisation"),
    ("membre-atelier", "Sacha", "organisation member"),
    ("visiteur", "Dominique", "visitor"),
]


def load_directory_demo() -> int:
    """Create what is missing of the demo directory; return how many organisations were made."""
    users = _accounts()
    created = _organisations(users["coordination"])
    first = Organisation.objects.get(slug="demo-001")
    Membership.objects.get_or_create(
        user=users["admin-atelier"], organisation=first, defaults={"role": Role.ADMIN}
    )
    Membership.objects.get_or_create(
        user=users["membre-atelier"], organisation=first, defaults={"role": Role.MEMBER}
    )
    Membership.objects.get_or_create(
        user=users["hote-atelier"], organisation=first, defaults={"role": Role.HOST}
    )
    Membership.objects.get_or_create(
        user=users["formateur-atelier"], organisation=first, defaults={"role": Role.TRAINER}
    )
    return created


def _accounts() -> dict[str, User]:
    users = {}
    for username, first_name, _role in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "email": f"{username}@demo.maillage.invalid"},
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        users[username] = user
    actions.grant_coordinator(users["coordination"])
    return users


def _organisations(coordinator: User) -> int:
    created = 0
    for demo in demo_organisations():
        if Organisation.objects.filter(slug=demo.slug).exists():
            continue
        sites = []
        for s in demo.sites:
            commune = Commune.objects.get(name_folded=fold(s.commune), department_id=s.department)
            sites.append(
                actions.SiteInput(
                    address=s.address,
                    postal_code=commune.postal_code_list()[0] if commune.postal_codes else "",
                    commune=commune.name,
                    latitude=commune.latitude + s.latitude_offset,
                    longitude=commune.longitude + s.longitude_offset,
                )
            )
        organisation = actions.create_organisation(
            coordinator,
            actions.OrganisationInput(
                name=demo.name,
                kind=demo.kind,
                description=demo.description,
                naf_code=demo.naf_code,
                fields=demo.fields,
            ),
            sites,
        )
        # Stable slugs keep the demo idempotent and its URLs predictable.
        Organisation.objects.filter(pk=organisation.pk).update(
            slug=demo.slug,
            status=OrganisationStatus.VALIDATED if demo.validated else OrganisationStatus.PENDING,
            moderated_at=timezone.now() if demo.validated else None,
        )
        created += 1
    return created

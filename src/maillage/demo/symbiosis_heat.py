"""Demo waste heat: a foundry feeding a town's heat network (modelled on Issoire: 25 GWh a year
over 9 km), a bakery's oven heating the workshop across the yard (too little heat for a network: the
study page says why), and a data room whose warm air needs a heat pump.

Sites are those of the demo directory around Aix-Marseille; the neighbours of the bakery and of
the data room are the demo organisations whose main site is nearest. Everything goes through
the heat actions, as the coordination.
"""

from __future__ import annotations

from django.db.models import QuerySet

from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, Site, User
from maillage.symbiosis import heat
from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import HeatDeclaration, HeatKind, Visibility

FOUNDRY_SLUG = "demo-002"
NETWORK_SLUG = "demo-003"
WORKSHOP_SLUG = "demo-001"
DATA_ROOM_SLUG = "demo-005"
FOUNDRY_TITLE = "Chaleur fatale des fours et du refroidissement de la fonderie"
# A winter-heavy profile of space heating in Provence, January first (shares of the year).
SPACE_HEATING = [20, 17, 13, 7, 2, 0, 0, 0, 2, 7, 13, 19]


def _main_site(organisation: Organisation) -> Site:
    site = organisation.sites.order_by("-is_main", "pk").first()
    assert site is not None
    return site


def _nearest(organisation: Organisation, taken: set[str]) -> Organisation:
    """The validated demo organisation whose main site is nearest, not yet used."""
    home = _main_site(organisation)
    candidates: QuerySet[Organisation] = Organisation.objects.filter(
        slug__startswith="demo-", status="validated"
    ).exclude(slug__in=taken | {organisation.slug})
    best = None
    for other in candidates.order_by("slug"):
        site = _main_site(other)
        distance = heat.haversine_m(home.latitude, home.longitude, site.latitude, site.longitude)
        if best is None or distance < best[0]:
            best = (distance, other)
    assert best is not None
    return best[1]


def _site_near(
    actor: User, organisation: Organisation, near: Site, name: str, dlat: float, dlon: float
) -> Site:
    """A site of the organisation placed from another one: the bakehouse across the workshop's
    yard (45 m), the heat network's plant about 6 km from the foundry (9 km of drawn route)."""
    commune = near.commune
    return site_actions.add_site(
        actor,
        organisation,
        site_actions.SiteInput(
            name=name,
            postal_code=near.postal_code,
            commune=commune.name if commune else near.city,
            latitude=near.latitude + dlat,
            longitude=near.longitude + dlon,
        ),
    )


def _declare(actor: User, slug: str | Organisation, **values: object) -> HeatDeclaration:
    organisation = slug if isinstance(slug, Organisation) else Organisation.objects.get(slug=slug)
    return actions.declare_heat(actor, organisation, actions.HeatInput(**values))  # type: ignore[arg-type]


def load_heat_demo() -> int:
    """Declare the demo's heat and its three studies; 0 when already loaded. Returns how many
    declarations were made."""
    if HeatDeclaration.objects.filter(title=FOUNDRY_TITLE).exists():
        return 0
    actor = User.objects.get(username="coordination")
    foundry = _declare(
        actor,
        FOUNDRY_SLUG,
        kind=HeatKind.SOURCE,
        title=FOUNDRY_TITLE,
        medium="water",
        temperature_c=95,
        return_temperature_c=55,
        power_kw=5000,
        hours_per_year=6000,
        quantity_visibility=Visibility.COORDINATORS,
        site_visibility=Visibility.PUBLIC,
    )
    network_org = Organisation.objects.get(slug=NETWORK_SLUG)
    plant = _site_near(
        actor, network_org, foundry.site, "Chaufferie centrale du réseau de chaleur", 0.045, 0.05
    )
    network = _declare(
        actor,
        network_org,
        site_id=plant.pk,
        kind=HeatKind.SINK,
        title="Réseau de chaleur de la ville : chaleur de récupération recherchée",
        medium="water",
        temperature_c=85,
        return_temperature_c=55,
        power_kw=6250,
        hours_per_year=4000,
        quantity_visibility=Visibility.PUBLIC,
        site_visibility=Visibility.PUBLIC,
    )
    actions.create_study(
        actor,
        actions.StudyInput(
            name="Fonderie → réseau de chaleur de la ville (cas modelé sur Issoire, 9 km)",
            source_id=foundry.pk,
            sink_ids=[network.pk],
            route_length_m=9000,
        ),
    )
    taken = {FOUNDRY_SLUG, NETWORK_SLUG, WORKSHOP_SLUG, DATA_ROOM_SLUG}
    workshop_org = Organisation.objects.get(slug=WORKSHOP_SLUG)
    bakery_org = _nearest(workshop_org, taken)
    taken.add(bakery_org.slug)
    bakehouse = _site_near(actor, bakery_org, _main_site(workshop_org), "Fournil", 0.0004, 0)
    oven = _declare(
        actor,
        bakery_org,
        site_id=bakehouse.pk,
        kind=HeatKind.SOURCE,
        title="Fumées du four à sole de la boulangerie",
        medium="flue_gas",
        temperature_c=200,
        power_kw=40,
        hours_per_year=3000,
        quantity_visibility=Visibility.PUBLIC,
        site_visibility=Visibility.PUBLIC,
    )
    workshop = _declare(
        actor,
        workshop_org,
        kind=HeatKind.SINK,
        title="Chauffage de l'atelier voisin",
        medium="water",
        temperature_c=60,
        return_temperature_c=40,
        power_kw=50,
        hours_per_year=1600,
        monthly_profile=SPACE_HEATING,
        quantity_visibility=Visibility.PUBLIC,
        site_visibility=Visibility.COUNTERPART,
    )
    actions.create_study(
        actor,
        actions.StudyInput(
            name="Four de la boulangerie → chauffage de l'atelier",
            source_id=oven.pk,
            sink_ids=[workshop.pk],
        ),
    )
    room_org = Organisation.objects.get(slug=DATA_ROOM_SLUG)
    offices_org = _nearest(room_org, taken)
    room = _declare(
        actor,
        room_org,
        kind=HeatKind.SOURCE,
        title="Air chaud de la salle serveurs et des compresseurs",
        medium="air",
        temperature_c=35,
        power_kw=300,
        hours_per_year=8000,
    )
    offices = _declare(
        actor,
        offices_org,
        kind=HeatKind.SINK,
        title="Chauffage et eau chaude des bureaux",
        medium="water",
        temperature_c=55,
        return_temperature_c=40,
        power_kw=400,
        hours_per_year=2000,
        monthly_profile=SPACE_HEATING,
        quantity_visibility=Visibility.COORDINATORS,
    )
    actions.create_study(
        actor,
        actions.StudyInput(
            name="Salle serveurs → bureaux voisins (pompe à chaleur)",
            source_id=room.pk,
            sink_ids=[offices.pk],
        ),
    )
    return 6

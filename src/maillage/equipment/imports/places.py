"""Where an imported lab's site goes: the file's coordinates, or its French commune's centre."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_noop

from maillage.directory.actions.imports import ImportedPlace
from maillage.directory.geocode import find_commune
from maillage.directory.models import Commune
from maillage.equipment.fablabs.rows import FRENCH_COUNTRIES, UNKNOWN_COUNTRY, Place, RowProblem
from maillage.equipment.fablabs.text import geocoding_city

Note = Callable[..., None]


class Placer:
    """Places the labs of one file; each commune is looked up once."""

    def __init__(self, note: Note) -> None:
        self.note = note
        self._communes: dict[tuple[str, str], Commune | None] = {}

    def placement(self, place: Place, line: int) -> ImportedPlace | RowProblem:
        """Where to put the site; without coordinates, only a French commune can place it."""
        commune = self.commune(place) if place.country in FRENCH_COUNTRIES else None
        lat, lon = place.latitude, place.longitude
        if lat is None or lon is None:
            if commune is None:
                return unplaceable(place)
            lat, lon = commune.latitude, commune.longitude
            self.note(
                line,
                "doubtful",
                gettext_noop(
                    "No coordinates: placed at the centre of the commune %(commune)s (%(insee)s)."
                ),
                commune=commune.name,
                insee=commune.insee_code,
            )
        if not place.country:
            self.note(
                line,
                "doubtful",
                gettext_noop("The file gives no country: recorded as ZZ (unknown)."),
            )
        return ImportedPlace(
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            country=place.country or UNKNOWN_COUNTRY,
            city=(commune.name if commune else place.city)[:120],
            postal_code=place.postal_code,
            address=place.address,
            commune=commune,
        )

    def commune(self, place: Place) -> Commune | None:
        city = geocoding_city(place.city)
        key = (city, place.postal_code)
        if key not in self._communes:
            found = find_commune(city, place.postal_code) if (city or place.postal_code) else None
            prefix = FRENCH_COUNTRIES[place.country]
            # An overseas lab must land in its own department, not a namesake in mainland France.
            if found is not None and prefix and not found.insee_code.startswith(prefix):
                found = None
            self._communes[key] = found
        return self._communes[key]


def unplaceable(place: Place) -> RowProblem:
    if place.country in FRENCH_COUNTRIES:
        typed = " ".join(filter(None, [place.postal_code, place.city]))
        if not typed:
            return RowProblem(
                0,
                "skipped",
                gettext_noop("No coordinates, and no commune or postal code to place it."),
            )
        return RowProblem(
            0,
            "skipped",
            gettext_noop("No coordinates, and no French commune matches “%(text)s”."),
            {"text": typed},
        )
    if not place.country:
        return RowProblem(
            0, "skipped", gettext_noop("No coordinates and no country: cannot be placed.")
        )
    return RowProblem(
        0,
        "skipped",
        gettext_noop(
            "No coordinates: outside France (%(country)s) a place cannot be found offline."
        ),
        {"country": place.country},
    )

"""The site's URLs plus a method page (`impact:method`), as the methods' helper will add it:
the impact pages link each figure to its method once that page exists."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from maillage import urls as site
from maillage.impact import urls as impact_urls


def method(request: HttpRequest, key: str) -> HttpResponse:
    return HttpResponse(key)


impact_patterns = [
    *impact_urls.urlpatterns,
    path("impact/methods/<slug:key>/", method, name="method"),
]
urlpatterns = [
    *(pattern for pattern in site.urlpatterns if getattr(pattern, "namespace", None) != "impact"),
    path("", include((impact_patterns, "impact"))),
]

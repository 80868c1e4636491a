"""The project's URLs plus a stand-in for the method pages (`impact:method`), which another
part of the impact app serves: the network pages must link to them once they exist."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from maillage import urls as project
from maillage.impact import urls as impact_urls


def method_page(request: HttpRequest, key: str) -> HttpResponse:
    return HttpResponse(key)


impact = (
    [*impact_urls.urlpatterns, path("impact/methods/<slug:key>/", method_page, name="method")],
    "impact",
)
urlpatterns = [
    *(p for p in project.urlpatterns if getattr(p, "app_name", None) != "impact"),
    path("", include(impact)),
]

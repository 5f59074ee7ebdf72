"""The product's URLs plus ``/bench/floor``: a view that does nothing, behind the same
middleware and server, so every page's throughput can be read as a share of it."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("", include("carershub.urls")),
]

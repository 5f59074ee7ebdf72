"""The product's URLs plus two floors, behind the same middleware and server, so every page's
throughput can be read as a share of them:

- ``/bench/floor``: a view that does nothing (the floor the performance bars are set against, bench/README.md);
- ``/bench/floor/signed-in``: the least any signed-in page does: the session and the user
  are loaded, and the layout is rendered with its navigation and organisation switcher,
  around one line of content. What a key page costs above this is its own work.
- ``/bench/floor/session``: the signed-in floor without the layout: the session, the user
  and every middleware, answering one line of plain text. Between the two signed-in floors
  lies what rendering the layout costs; between this one and the bare view, what being
  signed in costs.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

_SIGNED_IN = engines["django"].from_string(
    '{% extends "base.html" %}{% block head_title %}Floor{% endblock %}'
    "{% block content %}<p>Signed in as {{ user.email }}.</p>{% endblock %}"
)


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_SIGNED_IN.render({}, request))


@login_required
def session_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"Signed in as {request.user.get_username()}.", content_type="text/plain")


urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("bench/floor/signed-in", signed_in_floor, name="bench_floor_signed_in"),
    path("bench/floor/session", session_floor, name="bench_floor_session"),
    path("", include("carershub.urls")),
]

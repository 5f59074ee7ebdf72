from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accessibility.enforcement import REGULATIONS_URL
from accessibility.selectors import statement_for_page
from organisations.access import access_organisation
from organisations.selectors import led_partnerships, organisations_for
from shared.cache import ResilientRedisCache
from shared.heartbeat import worker_health
from shared.metrics import metrics_exposition, metrics_token_accepted
from shared.outbox import outbox_delayed
from shared.queue import queue_health


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people go to the organisation they used last; others see what this is."""
    if not request.user.is_authenticated:
        return render(request, "pages/welcome.html")
    organisations = organisations_for(user=request.user)
    if not organisations:
        led = led_partnerships(user=request.user)
        if led:
            return redirect("organisations:partnership_home", slug=led[0].slug)
        return render(request, "pages/no_organisation.html")
    remembered = request.session.get("organisation_slug")
    chosen = next((o for o in organisations if o.slug == remembered), organisations[0])
    return redirect("organisations:home", org_slug=chosen.slug)


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    organisation = access_organisation(user=request.user, slug=request.POST.get("organisation", ""))
    request.session["organisation_slug"] = organisation.slug
    return redirect("organisations:home", org_slug=organisation.slug)


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """The deployment's own statement, or the product's with a note that it is missing."""
    statement = statement_for_page(language=get_language() or settings.LANGUAGE_CODE)
    return render(
        request,
        "pages/accessibility.html",
        {"statement": statement, "regulations_url": REGULATIONS_URL},
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: each dependency's state, and 503 only when the site
    cannot serve at all (the database is down). Redis, the task queue, the task workers and
    email may fail without taking the site down, so their trouble is "degraded", answered
    with 200.

    Cheap (a few indexed queries and one Redis ping, skipped while Redis is known to be down),
    and it names no host, version or count. The database going away between its queries is
    still a 503 with this JSON, not an error page."""
    checks = {"database": "ok", "cache": cache_health()}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["tasks"] = queue_health()
        checks["worker"] = worker_health()
        checks["email"] = "delayed" if outbox_delayed() else "ok"
    except DatabaseError:
        unavailable = {"database": "unavailable", "cache": checks["cache"]}
        return JsonResponse({"status": "error", **unavailable}, status=503)
    status = "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    return JsonResponse({"status": status, **checks})


def cache_health() -> str:
    """``ok`` or ``unavailable``; only a Redis cache is checked (the others live in the
    database or in the process)."""
    cache = caches["default"]
    if isinstance(cache, ResilientRedisCache):
        return "ok" if cache.available() else "unavailable"
    return "ok"


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """For Prometheus (docs/deploy.md): not there without ``METRICS_TOKEN``, refused without
    it as a bearer token. A signed-in session, even a superuser's, counts for nothing."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not metrics_token_accepted(request):
        return HttpResponseForbidden("A bearer token is needed.\n", content_type="text/plain")
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)

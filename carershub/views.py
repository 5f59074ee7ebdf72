from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from organisations.access import access_organisation
from organisations.selectors import led_partnerships, organisations_for


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people go to the organisation they used last; others see what this is."""
    if not request.user.is_authenticated:
        return render(request, "pages/welcome.html")
    organisations = organisations_for(user=request.user)
    if not organisations:
        led = led_partnerships(user=request.user)
        if led:
            return redirect("partnership_home", slug=led[0].slug)
        return render(request, "pages/no_organisation.html")
    remembered = request.session.get("organisation_slug")
    chosen = next((o for o in organisations if o.slug == remembered), organisations[0])
    return redirect("organisation_home", org_slug=chosen.slug)


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    organisation = access_organisation(user=request.user, slug=request.POST.get("organisation", ""))
    request.session["organisation_slug"] = organisation.slug
    return redirect("organisation_home", org_slug=organisation.slug)


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

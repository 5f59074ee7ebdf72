"""The plans home page and the private calendar link."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from organisations.access import org_view
from organisations.types import OrgRequest
from plans.calendar import plan_calendar_feed_for, plan_calendar_feed_read, plan_calendar_feed_renew
from plans.selectors import (
    actions_owned_by,
    has_calendar_feed,
    org_plans_visible_to,
    personal_plans_of,
    personal_plans_shared_with,
)
from shared.calendars import feed_response


@require_safe
@org_view("plans.use_plans")
def plans_home(request: OrgRequest) -> HttpResponse:
    """Everything plan-shaped for this person: their own, shared with them, the
    organisation's plans they may see, and the actions they own."""
    organisation, user = request.organisation, request.user
    return render(
        request,
        "plans/home.html",
        {
            "organisation": organisation,
            "mine": list(personal_plans_of(viewer=user, organisation=organisation)),
            "shared": list(personal_plans_shared_with(viewer=user, organisation=organisation)),
            "org_plans": list(org_plans_visible_to(viewer=user, organisation=organisation)[:20]),
            "actions": list(actions_owned_by(viewer=user, organisation=organisation)[:50]),
            "can_list": user.has_perm("plans.list_org_plans", organisation),
            "can_manage": user.has_perm("plans.manage_org_plans", organisation),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@org_view("plans.use_plans")
def plans_calendar(request: OrgRequest) -> HttpResponse:
    """Make (or remake) the private link to your plan dates for your calendar app."""
    link = None
    if request.method == "POST":
        token = plan_calendar_feed_renew(user=request.user, organisation=request.organisation)
        link = settings.SITE_URL + reverse("plans:calendar_ics", kwargs={"token": token})
    return render(
        request,
        "plans/calendar_feed.html",
        {
            "organisation": request.organisation,
            "link": link,
            "has_feed": has_calendar_feed(user=request.user, organisation=request.organisation),
        },
    )


@require_safe
def plans_calendar_ics(request: HttpRequest, token: str) -> HttpResponseBase:
    """The feed itself: no sign-in (calendar apps cannot), the secret in the link is the key."""
    feed = plan_calendar_feed_for(token)
    if feed is None:
        raise Http404
    return feed_response(request, plan_calendar_feed_read(feed=feed))

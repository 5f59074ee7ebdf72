"""The forum in the permission matrix (carershub/tests/test_permission_matrix.py).

The forum lives under the partnership's address. In the matrix's world both organisations
are in one partnership, so the outsider (HR admin and organisation admin of the other
organisation) is a member of the forum too. HR admins, organisation admins, champions and
sponsors in post read it; HR and organisation admins publish case studies; all but sponsors
talk; only the partnership's lead adds events. Employees, line managers and someone who has
left are told nothing, not even that the forum exists (404), like the partnership's other
pages. An organisation that has left the partnership is checked in forum/tests/test_access.py.
"""

from __future__ import annotations

from typing import Any

from carershub.tests.matrix_kit import ANON, Spec, Targets, api
from forum.models import CaseStudy, Event, Reply, Thread
from forum.tests import helpers

READERS = ("hr_admin", "org_admin", "champion", "sponsor", "outsider", "lead")
PUBLISHERS = ("hr_admin", "org_admin", "outsider", "lead")
TALKERS = ("hr_admin", "org_admin", "champion", "outsider", "lead")


def _forum(method: str, allowed: tuple[str, ...], kwargs: Any, data: Any = None) -> Spec:
    ok = 200 if method == "GET" else 302
    expected = {ANON: 302, "carer": 404, "manager": 404, "leaver": 404}
    for persona in READERS:
        expected[persona] = ok if persona in allowed else 403
    return Spec(method, expected, kwargs, data=data)


def _world(t: Targets) -> dict[str, Any]:
    """One case study (by the home organisation's HR admin), one thread (by them) with a
    champion's reply, and one event (by the lead), made once per world."""
    from accounts.models import User

    partnership = t.partnership
    found = CaseStudy.objects.filter(partnership=partnership).first()
    if found is None:
        hr = User.objects.get(email="hr@example.org")
        champion = User.objects.get(email="champion@example.org")
        lead = User.objects.get(email="lead@example.org")
        found = helpers.case_study(partnership, hr)
        started = helpers.thread(partnership, hr)
        helpers.reply(started, champion)
        helpers.event(partnership, lead)
    return {
        "case_study": found,
        "thread": Thread.objects.get(partnership=partnership),
        "reply": Reply.objects.get(thread__partnership=partnership),
        "event": Event.objects.get(partnership=partnership),
    }


def forum(t: Targets) -> dict[str, Any]:
    return {"slug": t.partnership.slug}


def case_study(t: Targets) -> dict[str, Any]:
    return {"slug": t.partnership.slug, "pk": _world(t)["case_study"].pk}


def thread(t: Targets) -> dict[str, Any]:
    return {"slug": t.partnership.slug, "pk": _world(t)["thread"].pk}


def reply(t: Targets) -> dict[str, Any]:
    made = _world(t)
    return {"slug": t.partnership.slug, "pk": made["thread"].pk, "reply_pk": made["reply"].pk}


def event(t: Targets) -> dict[str, Any]:
    return {"slug": t.partnership.slug, "pk": _world(t)["event"].pk}


def api_case_study(t: Targets) -> dict[str, Any]:
    return {"case_study_id": _world(t)["case_study"].pk}


def api_thread(t: Targets) -> dict[str, Any]:
    return {"thread_id": _world(t)["thread"].pk}


#: A token of the home organisation: its readers; the outsider's organisation is in the same
#: partnership, so the outsider's token reads the same forum.
API_READERS = ("hr_admin", "org_admin", "champion", "sponsor")

MATRIX: dict[str, Spec] = {
    "forum:home": _forum("GET", READERS, forum),
    "forum:case_studies": _forum("GET", READERS, forum),
    "forum:case_study": _forum("GET", READERS, case_study),
    "forum:case_study_new": _forum("GET", PUBLISHERS, forum),
    # The publishing organisation's HR and the lead; the other organisation's HR may not.
    "forum:case_study_edit": _forum("GET", ("hr_admin", "org_admin", "lead"), case_study),
    "forum:case_study_withdraw": _forum(
        "POST", ("hr_admin", "org_admin", "lead"), case_study, {"version": 1}
    ),
    "forum:threads": _forum("GET", READERS, forum),
    "forum:thread_new": _forum("GET", TALKERS, forum),
    "forum:thread": _forum("GET", READERS, thread),
    # The starter (the HR admin) and the lead.
    "forum:thread_close": _forum("POST", ("hr_admin", "lead"), thread),
    # The reply's writer (the champion) and the lead.
    "forum:reply_remove": _forum("POST", ("champion", "lead"), reply),
    "forum:events": _forum("GET", READERS, forum),
    "forum:event_new": _forum("GET", ("lead",), forum),
    "forum:event": _forum("GET", READERS, event),
    "forum:event_edit": _forum("GET", ("lead",), event),
    "forum:event_calendar": _forum("GET", READERS, event),
    "api-v1:list_forum_case_studies": api("GET", API_READERS, 200),
    "api-v1:get_forum_case_study": api("GET", API_READERS, 200, kwargs=api_case_study),
    "api-v1:list_forum_threads": api("GET", API_READERS, 200),
    "api-v1:get_forum_thread": api("GET", API_READERS, 200, kwargs=api_thread),
    "api-v1:list_forum_events": api("GET", API_READERS, 200),
}

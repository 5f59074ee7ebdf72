"""The staff carer network in the permission matrix (carershub/tests/test_permission_matrix.py).

Anyone in post reads what the network is and joins it; carer champions run it and are the
only ones who see who belongs: HR, the org admin, line managers and the sponsor are refused
the member list. A meeting is for the network's members and its champions: anyone else gets
a 404, as if there were none (in the world, the carer belongs). Someone who has left holds no
power here, but may still take themselves off the network.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.utils import timezone

from carershub.tests.matrix_kit import MEMBERS, Spec, Targets, action, api, page, private_page
from networks.models import Meeting, MeetingKind, Network, NetworkMember, Question

CHAMPIONS = ("champion",)


def _network(t: Targets) -> Network:
    """The network of the staff record's organisation, with that person as a member and one
    meeting next week (so the other organisation's meeting is tried through this one)."""
    organisation = t.staff.organisation
    network, created = Network.objects.get_or_create(
        organisation=organisation, defaults={"name": "Carers together", "about": "Join us."}
    )
    if created:
        assert t.staff.user is not None
        NetworkMember.objects.create(network=network, user=t.staff.user)
        Meeting.objects.create(
            network=network,
            title="Coffee",
            kind=MeetingKind.COFFEE,
            starts_at=(timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0),
            minutes=20,
            place="The canteen",
        )
        Question.objects.create(
            network=network,
            text="Can I swap shifts to get to appointments?",
            asked_on=timezone.localdate(),
        )
    return network


def network(t: Targets) -> dict[str, Any]:
    _network(t)
    return {"org_slug": t.org.slug}


def meeting(t: Targets) -> dict[str, Any]:
    found = Meeting.objects.filter(network=_network(t)).first()
    assert found is not None
    return {"org_slug": t.org.slug, "pk": found.pk}


def question(t: Targets) -> dict[str, Any]:
    found = Question.objects.filter(network=_network(t)).first()
    assert found is not None
    return {"org_slug": t.org.slug, "pk": found.pk}


#: The question box is the members' and the champions'; anyone else here gets a 404, as for
#: a meeting. The outsider belongs to their own organisation's network, so opens it there.
IN_THE_NETWORK = ("carer", "champion")
NOT_IN_THE_NETWORK = {p: 404 for p in MEMBERS if p not in IN_THE_NETWORK}


def _own(spec: Spec) -> Spec:
    """Not tried with the other organisation's ids: the URL takes none."""
    return replace(spec, cross=False)


MATRIX: dict[str, Spec] = {
    # Someone who has left sees only whether they still belong, to take themselves off.
    "networks:home": page(MEMBERS, kwargs=network) | {"leaver": 200},
    "networks:start": page(CHAMPIONS),
    "networks:edit": page(CHAMPIONS, kwargs=network),
    "networks:members": page(CHAMPIONS, kwargs=network),
    "networks:meeting_new": page(CHAMPIONS, kwargs=network),
    "networks:join": _own(action(MEMBERS, network)),
    # Leaving is the person's own record: someone who has left may still take themselves off.
    "networks:leave": _own(action(MEMBERS, network)) | {"leaver": 302},
    "networks:meeting": private_page(("carer", "champion"), meeting),
    "networks:meeting_calendar": private_page(("carer", "champion"), meeting),
    "networks:meeting_edit": page(CHAMPIONS, kwargs=meeting, cross=True),
    "networks:announcement_new": page(CHAMPIONS, kwargs=network),
    # A stale page version: refused with a message, back to the meeting; nothing changes.
    "networks:meeting_cancel": replace(action(CHAMPIONS, meeting, {"version": "99"}), cross=True),
    "networks:questions": page(IN_THE_NETWORK, kwargs=network, foreign_outsider=200)
    | NOT_IN_THE_NETWORK,
    "networks:question_ask": page(IN_THE_NETWORK, kwargs=network, foreign_outsider=200)
    | NOT_IN_THE_NETWORK,
    "networks:question_answer": page(CHAMPIONS, kwargs=question, cross=True),
    # A stale page version: refused with a message, back to the box; nothing changes.
    "networks:question_remove": action(CHAMPIONS, question, {"version": "99"}),
    "networks:contact": page(CHAMPIONS, kwargs=network),
    "networks:share": page(CHAMPIONS, kwargs=network),
    # What the network is: any member's token. The rest is personal-token only (belonging is
    # a person's own fact): every token the matrix holds is an organisation token, so 403;
    # personal tokens are tried in networks/tests/test_api.py.
    # The outsider's token reads their own organisation, which has no network: 404.
    "api-v1:get_network": api("GET", MEMBERS, 200, kwargs=lambda t: network(t) and {})
    | {"outsider": 404},
    "api-v1:list_network_members": api("GET", (), 403),
    "api-v1:list_network_meetings": api("GET", (), 403),
    "api-v1:get_network_meeting": api(
        "GET", (), 403, kwargs=lambda t: {"meeting_id": meeting(t)["pk"]}
    ),
    "api-v1:list_network_answers": api("GET", (), 403),
}

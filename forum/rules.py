"""Who may do what in a partnership's forum. Deny by default (docs/forum.md).

People in post at a member organisation, by their roles there, and the partnership's leads:

- read: HR admins, organisation admins, carer champions and executive sponsors;
- start threads and reply: HR admins, organisation admins and carer champions;
- publish case studies: HR admins and organisation admins;
- everything, including events and moderation: the partnership's leads.

Employees and line managers with no other role see nothing. Worked out on every request from
the person's memberships and the organisation's partnership as they are now: someone marked
as left holds no role, and an organisation that leaves the partnership takes its people's
access with it at once.

Partnership predicates take ``(user, partnership)``; the API's takes ``(user, organisation)``
(a token belongs to one organisation).
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import HR_ROLES, Organisation, Partnership, Role
from organisations.rules import is_partnership_lead
from organisations.selectors import organisations_for, roles_in

READER_ROLES = frozenset({*HR_ROLES, Role.CHAMPION, Role.SPONSOR})
TALKER_ROLES = frozenset({*HR_ROLES, Role.CHAMPION})
PUBLISHER_ROLES = frozenset(HR_ROLES)


def member_organisations(
    *, user: Any, partnership: Partnership, roles: frozenset[Role]
) -> list[Organisation]:
    """The partnership's member organisations where ``user`` holds one of ``roles`` now, by
    name (the roles are read once per request, with each organisation's partnership)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        organisation
        for organisation in organisations_for(user=user)
        if organisation.partnership_id == partnership.pk
        and roles_in(user=user, organisation=organisation) & roles
    ]


def _holds(roles: frozenset[Role]) -> Any:
    @rules.predicate
    def holds(user: Any, partnership: Partnership | None) -> bool:
        if partnership is None:
            return False
        return bool(member_organisations(user=user, partnership=partnership, roles=roles))

    return holds


is_reader = _holds(READER_ROLES)
is_talker = _holds(TALKER_ROLES)
is_publisher = _holds(PUBLISHER_ROLES)


@rules.predicate
def reads_as_member(user: Any, organisation: Organisation | None) -> bool:
    """For the API: a reader in ``organisation``, which is in a partnership now."""
    if organisation is None or organisation.partnership_id is None:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(roles_in(user=user, organisation=organisation) & READER_ROLES)


READ = "forum.read_forum"
TALK = "forum.talk"
PUBLISH = "forum.publish_case_study"
RUN_EVENTS = "forum.run_events"
READ_BY_TOKEN = "forum.read_forum_by_token"  # noqa: S105 (a permission name)

rules.add_perm(READ, is_partnership_lead | is_reader)
rules.add_perm(TALK, is_partnership_lead | is_talker)
rules.add_perm(PUBLISH, is_partnership_lead | is_publisher)
rules.add_perm(RUN_EVENTS, is_partnership_lead)
rules.add_perm(READ_BY_TOKEN, reads_as_member)

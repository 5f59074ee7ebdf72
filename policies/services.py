"""Writes of the organisation's policies: HR admins and organisation admins save a draft and
publish it as a new numbered version. Publishing is audited; saving a draft unchanged, or
publishing words already published, writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation
from policies.models import Policy, PolicyKind, PolicyVersion
from policies.rules import MANAGE
from policies.selectors import current_version
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock


class PolicyConflict(EditConflict):
    def __init__(self, policy: Policy | None) -> None:
        if policy is None:
            message = _(
                "This page was opened from a copy of the policy that is no longer here. Nothing "
                "has been saved. What you typed is still here: save again to use it."
            )
        else:
            message = _(
                "Someone changed this policy at %(when)s, after you opened this page. Nothing "
                "has been saved. What you typed is still here: save again to use it."
            ) % {"when": long_datetime(policy.updated_at)}
        super().__init__(message, current_version=policy.version if policy else 0)


#: How the audit log names each kind: fixed English, whatever the publisher's language.
_AUDIT_NAMES = {
    PolicyKind.CARERS: "carers' policy",
    PolicyKind.LEAVE: "leave policy in plain words",
}


@dataclass(frozen=True)
class PolicyText:
    """What HR types: a summary, the policy in Markdown, an optional link to the full
    document, and what changed since the version published before."""

    summary: str
    body: str
    link: str = ""
    changes: str = ""

    def cleaned(self) -> PolicyText:
        """Line feeds only, no blank lines around; a link only to a web page."""
        text = PolicyText(
            summary=self.summary.replace("\r\n", "\n").strip(),
            body=self.body.replace("\r\n", "\n").strip(),
            link=self.link.strip(),
            changes=self.changes.replace("\r\n", "\n").strip(),
        )
        if text.link and not text.link.lower().startswith(("https://", "http://")):
            raise RuleError(
                "unsafe_link", _("Enter a link starting with https:// or http://"), field="link"
            )
        return text


def _check(user: User, organisation: Organisation) -> None:
    if not user.has_perm(MANAGE, organisation):
        raise PermissionDenied


def _locked(organisation: Organisation, kind: PolicyKind) -> Policy | None:
    """The policy, locked; the organisation is locked first, so two people creating the same
    policy at once take turns."""
    lock(Organisation, organisation.pk)
    found = Policy.objects.select_for_update().filter(organisation=organisation, kind=kind).first()
    return found


def _fields(text: PolicyText) -> tuple[str, str, str, str]:
    return (text.summary, text.body, text.link, text.changes)


@transaction.atomic
def policy_save_draft(
    *,
    organisation: Organisation,
    kind: PolicyKind,
    user: User,
    text: PolicyText,
    expected_version: int | None,
) -> bool:
    """Keep the draft without publishing it; staff still read the published version.
    Unchanged, nothing is written. Not audited: only publishing puts words before staff."""
    _check(user, organisation)
    text = text.cleaned()
    policy = _locked(organisation, kind)
    check_version(policy.version if policy else 0, expected_version, lambda: PolicyConflict(policy))
    if policy is None:
        if not any(_fields(text)):
            return False
        Policy.objects.create(
            organisation=organisation,
            kind=kind,
            summary=text.summary,
            body=text.body,
            link=text.link,
            changes=text.changes,
            updated_by=user,
        )
        return True
    if (policy.summary, policy.body, policy.link, policy.changes) == _fields(text):
        return False
    policy.summary, policy.body, policy.link, policy.changes = _fields(text)
    policy.version += 1
    policy.updated_by = user
    policy.save()
    return True


@transaction.atomic
def policy_publish(
    *,
    organisation: Organisation,
    kind: PolicyKind,
    user: User,
    text: PolicyText,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> PolicyVersion:
    """Publish the words as the next numbered version, for every member of staff to read.
    Words the current version already says are refused: a new number must mean a change."""
    _check(user, organisation)
    text = text.cleaned()
    policy = _locked(organisation, kind)
    check_version(policy.version if policy else 0, expected_version, lambda: PolicyConflict(policy))
    if not text.summary:
        raise RuleError("summary_missing", _("Enter a summary of the policy"), field="summary")
    if not text.body:
        raise RuleError("body_missing", _("Enter the text of the policy"), field="body")
    current = current_version(policy=policy) if policy else None
    if current is not None:
        if (current.summary, current.body, current.link) == (text.summary, text.body, text.link):
            raise RuleError(
                "nothing_changed",
                _(
                    "Version %(number)s already says this, so there is nothing to publish. "
                    "Change the words first."
                )
                % {"number": current.number},
            )
        if not text.changes:
            raise RuleError(
                "changes_missing",
                _("Say what changed since version %(number)s") % {"number": current.number},
                field="changes",
            )
    if policy is None:
        policy = Policy(organisation=organisation, kind=kind, version=0)
    policy.summary, policy.body, policy.link = text.summary, text.body, text.link
    policy.changes = ""
    policy.version += 1
    policy.updated_by = user
    policy.save()
    version = PolicyVersion.objects.create(
        policy=policy,
        number=current.number + 1 if current else 1,
        summary=text.summary,
        body=text.body,
        link=text.link,
        changes=text.changes if current else "",
        published_at=timezone.now(),
        published_by=user,
    )
    audit_record(
        actor=user,
        action=Action.CREATE,
        channel=channel,
        target=version,
        organisation_id=organisation.pk,
        summary=f"Published version {version.number} of the {_AUDIT_NAMES[kind]}",
    )
    return version

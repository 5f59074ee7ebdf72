"""Submitted back unchanged, no form changes anything (docs/trust-rules.md, rule 8).

Every page of the permission matrix is opened as someone who may use it; every form on it is
submitted exactly as a browser would send what the page shows; and everything stored is
compared before and after. Like the permission matrix, the forms are found, not listed: a new
form's action must be classified below as an edit (an unchanged submit must change nothing)
or as an action (pressing the button is the change, such as "Sign" or "Delete"), or the sweep
fails.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from audit.models import Action, AuditEvent
from carershub.tests.matrix_kit import ANON
from carershub.tests.roundtrip import differences, forms_on, snapshot
from carershub.tests.test_permission_matrix import MATRIX, _targets

#: Who opens each page: everyone of these the matrix lets in.
PREFERENCE = ("carer", "manager", "hr_admin", "org_admin", "sponsor", "champion", "lead")

#: Forms whose unchanged submit must change nothing stored (by the URL name they post to):
#: edit forms shown filled in, and forms that add something, shown empty or with defaults.
EDIT = frozenset(
    {
        "accounts:settings",
        "accounts:language_settings",
        "organisations:language",
        "organisations:sign_on",
        # The step to an organisation's provider: it stores nothing, whatever is typed.
        "organisations:sign_on_start",
        "plans:action_edit",
        "plans:action_new",
        "passports:adjustment_edit",
        "passports:adjustment_new",
        "benchmarks:assessment_start",
        "passports:carer_declare",
        "leave:carers_leave_new",
        "leave:carers_leave_new[check]",
        "leave:carers_leave_decide",
        "commitments:edit",
        "commitments:sign",
        "commitments:withdraw",
        "consultation_new",
        "passports:conversation_new",
        "benchmarks:criterion_detail",
        "leave:dependants_time_off_new",
        "learning:badge",
        "learning:badge_verify",
        "learning:content_edit[preview]",
        "learning:content_edit[publish]",
        "learning:quiz",
        "learning:reflection_edit",
        "learning:own_module_new",
        "learning:own_module_details",
        "learning:own_lesson[preview]",
        "learning:own_lesson[save]",
        "learning:own_lesson_new[preview]",
        "learning:own_lesson_new[save]",
        "learning:own_question",
        "learning:own_question_new",
        "networks:start",
        "networks:edit",
        "networks:meeting_new",
        "networks:meeting_edit",
        "networks:announcement_new",
        "networks:question_ask",
        "networks:question_answer",
        "networks:contact",
        "networks:share",
        "signposting:entry_new",
        "signposting:entry_edit",
        "signposting:code_new",
        "signposting:partnership_entry_new",
        "signposting:partnership_entry_edit",
        "signposting:partnership_code_new",
        "forum:case_study_new",
        "forum:case_study_edit",
        "forum:thread_new",
        "forum:thread",
        "forum:event_new",
        "forum:event_edit",
        "policies:edit[preview]",
        "policies:edit[save]",
        "policies:edit[publish]",
        "commitments:partnership_public_set",
        "communications:article_new[preview]",
        "communications:article_new",
        "communications:article_edit[preview]",
        "communications:article_edit",
        "leave:deputies",
        "benchmarks:evidence_upload[upload]",
        "flexible:appeal",
        "flexible:consult",
        "flexible:decide",
        "flexible:extend",
        "flexible:new",
        "organisations:import_upload",
        "organisations:invite",
        "leave:policy",
        "organisations:members",
        "plans:org_plan_edit",
        "plans:org_plan_new",
        "passports:edit_about",
        "passports:import",
        "passports:review",
        "plans:personal_plan_edit[add_row]",
        "plans:personal_plan_edit[save]",
        "plans:personal_plan_new[add_row]",
        "plans:personal_plan_new[save]",
        "plans:personal_plan_new",
        "plans:personal_plan_share",
        "api:personal_tokens",
        "plans:priority_edit",
        "plans:priority_new",
        "plans:progress_new",
        "organisations:staff_create",
        "organisations:staff_edit",
        "switch_organisation",
        "api:token_list",
        "credentials:trusted_issuer_add",
        "organisations:unit_list",
        # A deployment admin's, whom no persona is: swept in test_setup_import_pages.py.
        "organisations:setup_import",
    }
)

#: Forms whose button is itself the change, with what it does. A form is named by the address
#: it posts to, and by its button's name in brackets when the button has one.
ACTIONS: dict[str, str] = {
    "account_logout": "signs out",
    "accounts:language[language]": "switches the page to the other language",
    "plans:action_edit[delete]": "deletes an action point",
    "plans:priority_edit[delete]": "deletes a priority",
    "commitments:adopt": "adopts the template as the first draft",
    "benchmarks:assessment_delete": "deletes a self-assessment, after a confirmation page",
    "benchmarks:assessment_plan": "turns the chosen gaps into actions",
    "benchmarks:assessment_sign_off": "signs off a self-assessment",
    "leave:calendar_feed": "makes a new private calendar link",
    "passports:carer_delete": "deletes the declaration and passport, after a confirmation page",
    "leave:carers_leave_cancel": "cancels one's own request",
    "leave:deputy_end": "ends a deputy's appointment",
    "learning:content_reset": "puts a lesson's standard text back in place of the organisation's",
    "learning:lesson": "marks a lesson as done",
    "learning:own_module_publish": "publishes the draft as the next version for learners",
    "learning:own_module_retire": "takes a module away from learners, or deletes a draft",
    "learning:own_lesson_move[direction]": "moves a lesson up or down",
    "learning:own_lesson_remove": "removes a lesson from the draft",
    "learning:own_question_remove": "removes a question from the draft",
    "networks:join": "joins the staff carer network",
    "networks:leave": "leaves the staff carer network",
    "networks:meeting_cancel": "calls a network meeting off, telling the members",
    "networks:question_remove": "takes a question out of the network's question box",
    "learning:quiz_start": "starts the quiz, or a retry with new questions",
    "learning:reflection_to_plan": "adds the saved first step to the personal plan",
    "benchmarks:evidence_remove": "removes an uploaded document, after a confirmation page",
    "flexible:withdraw": "withdraws one's own request",
    "organisations:import_confirm": "applies a checked staff file",
    "organisations:import_discard": "discards a checked staff file",
    "organisations:setup_confirm": "sets up the checked organisations and units",
    "organisations:invitation_revoke": "withdraws an invitation",
    "organisations:invite_everyone": "starts inviting everyone in post, after the counts",
    "organisations:invitation_batch_stop": "stops a bulk invitation part-way",
    "organisations:invitation_batch_continue": "continues a stopped bulk invitation",
    "organisations:member_remove": "removes a role",
    "passports:share": "shares the passport with the line manager",
    "passports:sign": "signs the draft",
    "passports:unshare": "stops sharing",
    "plans:personal_plan_delete": "deletes a personal plan, after a confirmation page",
    "plans:personal_plan_unshare": "stops sharing a personal plan",
    "api:personal_token_revoke": "revokes a token",
    "plans:calendar": "makes a new private calendar link",
    "credentials:signing_key_revoke": "revokes a signing key, after a confirmation page",
    "credentials:signing_key_rotate": "makes a new signing key, after a confirmation page",
    "organisations:staff_mark_left": "marks someone as left, after a confirmation page",
    "api:token_revoke": "revokes a token",
    "credentials:trusted_issuer_remove": "stops trusting an issuer, after a confirmation page",
    "credentials:trusted_issuer_refresh": "fetches an issuer's keys again",
    "signposting:entry_remove": "removes a directory entry, after a confirmation page",
    "signposting:code_remove": "removes an access code",
    "signposting:entry_confirm": "records that an entry was checked today and moves its check-by date on",
    "signposting:partnership_entry_confirm": (
        "records that a partnership's entry was checked today and moves its check-by date on"
    ),
    "signposting:partnership_entry_remove": (
        "removes a partnership's directory entry, after a confirmation page"
    ),
    "signposting:partnership_code_remove": "removes an access code",
    "forum:case_study_withdraw": "withdraws a case study from the partnership's forum",
    "forum:thread_close": "closes a discussion to further replies",
    "forum:reply_remove": 'removes a reply, leaving "removed" in its place',
    "communications:article_publish": "publishes an article for staff",
    "communications:article_unpublish": "takes an article back to a draft",
    "communications:suggestion_add": "adds an awareness day's suggestion to the action plan",
}


#: Edit forms that, for someone with nothing saved yet, make the first record: pressing the
#: button is the change. (In the matrix's world the manager has not declared; the carer has.)
FIRST_TIME: dict[tuple[str, str], str] = {
    ("passports:carer_declare", "manager"): "saying for the first time that one is a carer",
}


def _pages() -> list[tuple[str, str]]:
    """Each page as each persona who may open it: a manager sees other forms than the carer."""
    return [
        (name, persona)
        for name, spec in MATRIX.items()
        if spec.method == "GET" and not spec.api
        for persona in PREFERENCE
        if spec.expected.get(persona) == 200
    ]


PAGES = _pages()


def _url_name(action: str, page: str) -> str:
    path = (action or page).split("?")[0]
    try:
        match = resolve(path)
    except Resolver404:
        return f"<unresolved {path}>"
    return match.view_name


def _open(world: Any, persona: str) -> Client:
    client = Client()
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "persona"), PAGES)
def test_every_form_submitted_unchanged_changes_nothing(world, settings, tmp_path, name, persona):
    spec = MATRIX[name]
    targets = _targets(world, world.org, settings, tmp_path)
    path = reverse(name, kwargs=spec.kwargs(targets))
    client = _open(world, persona)
    response = client.get(path)
    assert response.status_code == 200, path
    if not response["Content-Type"].startswith("text/html"):
        return
    for form in forms_on(response.content.decode()):
        if form.method != "post":
            continue
        for button, data in form.presses():
            action = _url_name(form.action, path) + (f"[{button}]" if button else "")
            if os.environ.get("ROUND_TRIP_DISCOVER"):
                print(f"FOUND {action} on {name} as {persona}")
                continue
            assert action in EDIT or action in ACTIONS, (
                f"{path} has a form posting to {action}: classify it in EDIT or ACTIONS"
            )
            if action in EDIT and (action, persona) not in FIRST_TIME:
                _submit_unchanged(world, persona, path, form.action or path, action, data)


def _submit_unchanged(
    world: Any, persona: str, page: str, target: str, action: str, data: dict[str, list[str]]
) -> None:
    submitter = _open(world, persona)  # signed in before the snapshot: signing in is a write
    before = snapshot()
    writes_before = AuditEvent.objects.exclude(action=Action.VIEW).count()
    posted = submitter.post(target, data)
    assert posted.status_code in (200, 302), f"{target}: {posted.status_code}"
    changed = differences(before, snapshot())
    assert not changed, f"{page} -> {action} changed: {changed}"
    assert AuditEvent.objects.exclude(action=Action.VIEW).count() == writes_before, (
        f"{page} -> {action} logged a change"
    )


def test_the_sweep_opens_pages_as_somebody():
    assert len(PAGES) > 60
    assert ANON not in {persona for _name, persona in PAGES}

"""Every form that only adds records is sent once (shared/once.py; trust rule 8).

Like the permission matrix, the forms are found, not listed: every page is opened as each
persona who may, and every form on it that posts to a view wrapped in ``one_submission``
must carry the one-time token and a button that ignores a double click. The list below
says which views add records, so a new one must be wrapped, or the sweep fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from carershub.tests.test_permission_matrix import MATRIX, _targets
from commitments.tests.helpers import published
from shared.once import is_protected

#: Views whose forms only add records: a repeat would make a second one.
ADDS_RECORDS = frozenset(
    {
        "plans:action_new",
        "passports:adjustment_new",
        "benchmarks:assessment_start",
        "leave:carers_leave_new",
        "commitments:adopt",
        "commitments:new_draft",
        "passports:conversation_new",
        "leave:dependants_time_off_new",
        "leave:deputies",
        "benchmarks:evidence_upload",
        "flexible:consult",
        "flexible:new",
        "organisations:import_upload",
        "organisations:invite",
        "organisations:invite_everyone",
        "organisations:setup_confirm",
        "plans:org_plan_new",
        "plans:personal_plan_new",
        "api:personal_tokens",
        "plans:priority_new",
        "plans:progress_new",
        "organisations:staff_create",
        "api:token_list",
        "credentials:trusted_issuer_add",
        "organisations:unit_list",
        "learning:own_module_new",
        "networks:start",
        "networks:meeting_new",
        "networks:announcement_new",
        "signposting:entry_new",
        "signposting:code_new",
        "signposting:partnership_entry_new",
        "signposting:partnership_code_new",
        "forum:case_study_new",
        "forum:thread_new",
        "forum:thread",
        "forum:event_new",
        "communications:article_new",
    }
)
#: Forms the matrix's world shows on no page: the commitment there has not been adopted
#: yet, so the button that starts a new draft from it is not offered; the network there has
#: been started (its pages need one), so the form that starts it is not offered either
#: (networks/tests/test_networks.py sends it twice).
#: The confirmation of a file of organisations is a deployment admin's, whom no persona is
#: (organisations/tests/test_setup_import_pages.py checks its token and button).
#: Inviting everyone is confirmed once the counts are shown, after a unit is chosen.
NOT_SHOWN_IN_THE_MATRIX = frozenset(
    {
        "commitments:new_draft",
        "networks:start",
        "organisations:setup_confirm",
        "organisations:invite_everyone",
    }
)


@dataclass
class _Form:
    action: str
    inputs: list[dict[str, str]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self._form: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = _Form(action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is not None and tag == "input":
            if a.get("type") == "submit":
                self._form.buttons.append(a)
            else:
                self._form.inputs.append(a)
        elif self._form is not None and tag == "button" and a.get("type", "submit") == "submit":
            self._form.buttons.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _url_names() -> dict[str, Any]:
    found: dict[str, Any] = {}

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                walk(item.url_patterns, item.namespace or namespace)
            elif isinstance(item, URLPattern) and item.name:
                found[f"{namespace}:{item.name}" if namespace else item.name] = item.callback

    walk(get_resolver().url_patterns)
    return found


def test_exactly_the_views_that_add_records_are_sent_once() -> None:
    protected = {name for name, view in _url_names().items() if is_protected(view)}
    assert protected == ADDS_RECORDS


def _check_forms_on(client: Client, path: str, who: str) -> set[str]:
    """The once-only views the page's forms post to, each checked."""
    response = client.get(path)
    # The matrix's targets are made for one URL at a time: in one world, a few pages (a
    # commitment version signed for another page) send elsewhere. The final check counts.
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return set()
    parser = _Parser()
    parser.feed(response.content.decode())
    seen: set[str] = set()
    for form in parser.forms:
        match = resolve((form.action or path).split("?")[0])
        if not is_protected(match.func):
            continue
        assert match.view_name, f"{path} as {who}: a once-only form posts to an unnamed URL"
        where = f"{path} as {who}, form posting to {match.view_name}"
        seen.add(match.view_name)
        tokens = [i for i in form.inputs if i.get("name") == "form_token"]
        assert len(tokens) == 1, f"{where}: no token"
        assert tokens[0].get("value"), f"{where}: an empty token"
        assert tokens[0].get("type") == "hidden", where
        assert form.buttons, f"{where}: no button"
        for button in form.buttons:
            assert button.get("data-prevent-double-click") == "true", where
            assert button.get("data-module") == "govuk-button", where
    return seen


def test_every_form_that_adds_records_carries_a_token_and_ignores_a_double_click(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    targets = _targets(world, world.org, settings, tmp_path)
    seen: set[str] = set()
    for name, spec in MATRIX.items():
        if spec.method != "GET" or spec.api:
            continue
        path = reverse(name, kwargs=spec.kwargs(targets))
        for persona, status in spec.expected.items():
            if status != 200 or persona in ("anonymous", "outsider"):
                continue
            client = Client()
            client.force_login(world.persona(persona))
            seen |= _check_forms_on(client, path, persona)
    assert seen == ADDS_RECORDS - NOT_SHOWN_IN_THE_MATRIX


def test_the_button_that_starts_a_new_commitment_draft_is_sent_once(world: Any) -> None:
    published(world)
    client = Client()
    client.force_login(world.hr_admin)
    path = reverse("commitments:home", kwargs={"org_slug": world.org.slug})
    assert _check_forms_on(client, path, "hr_admin") == {"commitments:new_draft"}


def test_the_form_that_starts_the_network_is_sent_once(world: Any) -> None:
    client = Client()
    client.force_login(world.champion)
    path = reverse("networks:start", kwargs={"org_slug": world.org.slug})
    assert _check_forms_on(client, path, "champion") == {"networks:start"}


def test_the_confirmation_of_inviting_everyone_is_sent_once(world: Any) -> None:
    client = Client()
    client.force_login(world.hr_admin)
    path = reverse("organisations:invite_everyone", kwargs={"org_slug": world.org.slug})
    # The world's staff all have accounts: one more, so that there is somebody to invite.
    from organisations.tests.factories import StaffRecordFactory

    StaffRecordFactory.create(organisation=world.org, staff_number="Q1")
    assert _check_forms_on(client, f"{path}?unit=", "hr_admin") == {"organisations:invite_everyone"}

"""Submitted unchanged in a real browser, no edit form changes anything.

The server-side sweep (``carershub/tests/test_round_trip.py``) submits what the HTML says; here
Chromium renders each page and submits what *it* makes of the inputs (a date input given a
value it cannot show sends nothing, a textarea sends CRLF line endings). Every page of the
permission matrix that holds an edit form is opened as someone who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from carershub.tests.browser.fixtures import Tab
from carershub.tests.personas import World
from carershub.tests.roundtrip import differences, forms_on, snapshot
from carershub.tests.test_permission_matrix import MATRIX, _targets
from carershub.tests.test_round_trip import EDIT, FIRST_TIME, PAGES, _url_name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = sorted({persona for _name, persona in PAGES})

#: Presses the n-th POST form's button called ``name`` ("" for its plain submit button),
#: as a click would: the browser collects the fields and adds the button's own name.
PRESS = """([index, name]) => {
    const form = [...document.forms].filter(f => f.method === "post")[index];
    const buttons = [...form.querySelectorAll(
        "button:not([type]), button[type=submit], input[type=submit]")];
    const button = buttons.find(b => name ? b.name === name : !b.name || b.name === "submit")
        || buttons[0];
    form.requestSubmit(button);
}"""


def _signed_in_tab(open_tab: Callable[..., Tab], user: Any) -> Tab:
    """A tab holding the persona's session, made by the test client (no password or code)."""
    client = Client()
    client.force_login(user)
    tab = open_tab()
    tab.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": tab.base_url,
            }
        ]
    )
    return tab


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_edit_form_submitted_unchanged_by_a_browser_changes_nothing(
    world: World, open_tab: Callable[..., Tab], settings: Any, tmp_path: Any, persona: str
) -> None:
    targets = _targets(world, world.org, settings, tmp_path)
    user = world.persona(persona)
    assert user is not None
    tab = _signed_in_tab(open_tab, user)
    reader = Client()
    reader.force_login(user)
    tried = 0
    for name, page_persona in PAGES:
        if page_persona != persona:
            continue
        path = reverse(name, kwargs=MATRIX[name].kwargs(targets))
        response = reader.get(path)
        if not response["Content-Type"].startswith("text/html"):
            continue
        posts = [form for form in forms_on(response.content.decode()) if form.method == "post"]
        for index, form in enumerate(posts):
            for button, _data in form.presses():
                action = _url_name(form.action, path) + (f"[{button}]" if button else "")
                if action not in EDIT or (action, persona) in FIRST_TIME:
                    continue
                tab.goto(path)
                before = snapshot()
                writes = AuditEvent.objects.exclude(action=Action.VIEW).count()
                tab.follow(partial(tab.page.evaluate, PRESS, [index, button]))
                changed = differences(before, snapshot())
                assert not changed, f"{path} -> {action} in the browser changed: {changed}"
                assert AuditEvent.objects.exclude(action=Action.VIEW).count() == writes, (
                    f"{path} -> {action} in the browser logged a change"
                )
                tried += 1
    assert tried, f"no edit form was tried as {persona}"

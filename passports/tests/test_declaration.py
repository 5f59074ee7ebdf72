"""The declaration page: consent is never assumed, and the page says who sees what."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from passports.models import CarerDeclaration, PassportShare
from passports.services import carer_declare

URL = reverse("passports:carer_declare", kwargs={"org_slug": "home-org"})


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class _FormValues(HTMLParser):
    """What a browser would send for the page's form, untouched: ticked boxes, chosen radios,
    text, hidden inputs and text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.checkboxes: dict[str, bool] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if not name:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if kind == "checkbox" and "value" not in a:
                    self.checkboxes[name] = "checked" in a
                if "checked" in a:
                    self.values.append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button"):
                self.values.append((name, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self.values.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.values.pop()
            self.values.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def _form(html: str) -> _FormValues:
    parser = _FormValues()
    parser.feed(html)
    return parser


def _as_post(values: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in values:
        data.setdefault(name, []).append(value)
    return data


def test_include_in_counts_is_not_ticked_for_a_new_declaration(world):
    form = _form(_client(world.carer).get(URL).text)
    assert form.checkboxes == {
        "share_with_manager": False,
        "record_on_staff_record": False,
        "include_in_counts": False,
    }


def test_declaring_without_ticking_it_leaves_the_carer_out_of_the_counts(world):
    client = _client(world.carer)
    form = _form(client.get(URL).text)
    response = client.post(URL, _as_post([*form.values, ("relationship", "parent")]))
    assert response.status_code == 302
    declaration = CarerDeclaration.objects.get(staff=world.carer_record)
    assert declaration.include_in_counts is False
    assert declaration.record_on_staff_record is False


def test_the_service_counts_nobody_unless_they_agree(world):
    carer_declare(staff=world.carer_record, by=world.carer)
    assert CarerDeclaration.objects.get(staff=world.carer_record).include_in_counts is False


def test_a_choice_made_earlier_to_be_counted_is_shown_ticked_and_kept_when_saved_unchanged(world):
    carer_declare(
        staff=world.carer_record,
        relationship="parent",
        need_kinds=["older_age", "illness"],
        hours_band="10_19",
        record_on_staff_record=True,
        include_in_counts=True,
        share_with_manager=True,
        by=world.carer,
    )
    before = CarerDeclaration.objects.values(
        "relationship", "need_kinds", "hours_band", "record_on_staff_record", "include_in_counts"
    ).get(staff=world.carer_record)
    client = _client(world.carer)
    form = _form(client.get(URL).text)
    assert form.checkboxes == {
        "share_with_manager": True,
        "record_on_staff_record": True,
        "include_in_counts": True,
    }

    response = client.post(URL, _as_post(form.values))

    assert response.status_code == 302
    after = CarerDeclaration.objects.values(*before).get(staff=world.carer_record)
    assert after == before
    assert PassportShare.objects.filter(ended_at__isnull=True).count() == 1


def test_a_choice_made_earlier_not_to_be_counted_is_kept_too(world):
    carer_declare(staff=world.carer_record, include_in_counts=False, by=world.carer)
    client = _client(world.carer)
    form = _form(client.get(URL).text)
    assert form.checkboxes["include_in_counts"] is False
    client.post(URL, _as_post(form.values))
    assert CarerDeclaration.objects.get(staff=world.carer_record).include_in_counts is False


def test_the_page_says_who_can_see_what_under_its_own_heading(world):
    page = _client(world.carer).get(URL).text
    heading = '<h2 class="govuk-heading-m">Who can see this</h2>'
    assert heading in page
    section = page[page.index(heading) : page.index("</ul>", page.index(heading))]
    for claim in (
        "Your line manager sees your passport only if you share it with them",
        "HR (the HR admins and organisation admins here) never sees your passport",
        "only if you tick “Record that I am a carer on my staff record”",
        "if you ask for carer's leave, HR sees your request with your name on it",
        "time off for dependants",
        "A flexible-working request is seen by your line manager, their own manager",
        "only if you tick “Include me in anonymised counts”",
        "any number under 5 is shown as “fewer than 5”",
        "Carer champions, executive sponsors and your colleagues see none of it",
    ):
        assert claim in section, claim
    # It comes before the choices it explains.
    assert page.index(heading) < page.index('name="include_in_counts"')

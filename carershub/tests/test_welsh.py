"""Welsh: a complete catalogue, a switcher on every page, the person's choice remembered on
their account, the organisation's default for everyone else, and emails in the language of
whoever reads them (docs/welsh.md)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent
from carershub.tests.personas import World
from organisations.languages import languages_for_addresses
from organisations.models import Invitation, Organisation, Role
from shared.dates import long_date
from shared.emails import send_templated

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUE = LOCALE / "cy" / "LC_MESSAGES" / "django.po"
#: The Welsh of the libraries' own text that people see (django-allauth has none).
LIBRARIES = LOCALE / "libraries" / "cy" / "LC_MESSAGES" / "django.po"
CATALOGUES = [CATALOGUE, LIBRARIES]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")


def _html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def _org_language(org: Organisation, language: str) -> None:
    Organisation.objects.filter(pk=org.pk).update(default_language=language)


# The catalogue.


@pytest.mark.parametrize("path", CATALOGUES, ids=["product", "libraries"])
def test_every_message_is_translated_and_none_is_fuzzy(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    assert catalogue.metadata["Language"] == "cy"
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert catalogue.percent_translated() == 100


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not here")
@pytest.mark.parametrize("path", CATALOGUES, ids=["product", "libraries"])
def test_msgfmt_checks_the_catalogue_and_counts_only_translated_messages(path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics


@pytest.mark.parametrize("path", CATALOGUES, ids=["product", "libraries"])
def test_every_translation_keeps_the_placeholders_of_its_message(path: Path) -> None:
    """A placeholder lost or misspelt in Welsh is a server error on the Welsh page only."""
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.msgid_plural:
            # Each form may leave out the number ("tomorrow" for one day), never add a name.
            known = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            wrong += [
                (entry.msgid, text)
                for text in entry.msgstr_plural.values()
                if not set(PLACEHOLDER.findall(text)) <= known
            ]
        elif sorted(PLACEHOLDER.findall(entry.msgstr)) != sorted(PLACEHOLDER.findall(entry.msgid)):
            wrong.append((entry.msgid, entry.msgstr))
    assert wrong == []


def test_every_message_of_django_allauth_has_its_welsh() -> None:
    """allauth has no Welsh of its own: a new release's new message must be translated here
    before it reaches a sign-in page."""
    import allauth

    theirs = polib.pofile(str(Path(allauth.__file__).parent / "locale/en/LC_MESSAGES/django.po"))
    ours = {(e.msgctxt, e.msgid) for e in polib.pofile(str(LIBRARIES)) if e.translated()}
    missing = [
        e.msgid for e in theirs if e.msgid and not e.obsolete and (e.msgctxt, e.msgid) not in ours
    ]
    assert missing == []


def test_statutory_terms_take_their_established_welsh_forms() -> None:
    welsh = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE))}
    with translation.override("cy"):
        assert translation.gettext("Skip to main content") == "Neidio i'r prif gynnwys"
    found = " ".join(text for msgid, text in welsh.items() if "carer's leave" in msgid.lower())
    assert "absenoldeb gofalwr" in found.lower()
    found = " ".join(text for msgid, text in welsh.items() if "flexible working" in msgid.lower())
    assert "gweithio hyblyg" in found.lower()


def test_dates_are_written_with_welsh_month_names() -> None:
    with translation.override("cy"):
        assert long_date(date(2027, 6, 1)) == "1 Mehefin 2027"
    with translation.override("en-gb"):
        assert long_date(date(2027, 6, 1)) == "1 June 2027"


# Choosing a language.


@pytest.mark.django_db
def test_someone_not_signed_in_gets_the_language_their_browser_asks_for() -> None:
    page = Client(headers={"accept-language": "cy"}).get(reverse("account_login"))
    assert _html_lang(page.text) == "cy"
    assert "Neidio i'r prif gynnwys" in page.text
    assert page.headers["Content-Language"] == "cy"
    assert _html_lang(Client().get(reverse("account_login")).text) == "en"


@pytest.mark.django_db
def test_the_switcher_is_on_every_page_and_names_each_language_in_itself() -> None:
    page = Client().get(reverse("account_login")).text
    switcher = page[page.index('class="app-language-switcher"') :][:1500]
    assert 'aria-current="true" lang="en">English<' in switcher
    assert 'value="cy" class="app-language-switcher__button" lang="cy">Cymraeg<' in switcher
    assert f'action="{reverse("accounts:language")}"' in switcher
    # On a Welsh page too, English is "English", not the Welsh word for it.
    page = Client(headers={"accept-language": "cy"}).get(reverse("account_login")).text
    switcher = page[page.index('class="app-language-switcher"') :][:1500]
    assert 'value="en-gb" class="app-language-switcher__button" lang="en">English<' in switcher


@pytest.mark.django_db
def test_the_switcher_keeps_the_choice_on_the_browser_and_goes_back_to_the_page() -> None:
    client = Client()
    response = client.post(
        reverse("accounts:language"),
        {"language": "cy"},
        headers={"referer": "http://testserver/privacy/?page=2"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "http://testserver/privacy/?page=2"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert _html_lang(client.get("/privacy/").text) == "cy"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_switcher_never_sends_anyone_to_another_site(elsewhere: str) -> None:
    for sent in ({"next": elsewhere}, {}):
        response = Client().post(
            reverse("accounts:language"), {"language": "cy", **sent}, headers={"referer": elsewhere}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/"


@pytest.mark.django_db
def test_a_language_the_site_does_not_have_is_not_kept() -> None:
    response = Client().post(reverse("accounts:language"), {"language": "fr", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_signed_in_persons_switch_is_kept_on_their_account(world: World) -> None:
    client = Client()
    client.force_login(world.carer)
    client.post(reverse("accounts:language"), {"language": "cy", "next": "/"})
    world.carer.refresh_from_db()
    assert world.carer.language == "cy"
    # Another browser, with no cookie, follows the account.
    elsewhere = Client(headers={"accept-language": "en-GB"})
    elsewhere.force_login(world.carer)
    assert _html_lang(elsewhere.get(reverse("accounts:settings")).text) == "cy"


def test_the_organisations_language_is_for_those_who_have_not_chosen(world: World) -> None:
    _org_language(world.org, "cy")
    carer = Client()
    carer.force_login(world.carer)
    home = reverse("organisations:home", kwargs={"org_slug": "home-org"})
    assert _html_lang(carer.get(home).text) == "cy"
    # Someone who chose English keeps English.
    User.objects.filter(pk=world.manager.pk).update(language="en-gb")
    manager = Client()
    manager.force_login(world.manager)
    assert _html_lang(manager.get(home).text) == "en"
    # The outsider's own organisation says nothing, so their browser decides.
    outsider = Client()
    outsider.force_login(world.outsider)
    assert _html_lang(outsider.get(reverse("accounts:settings")).text) == "en"


def test_a_choice_made_on_the_browser_before_signing_in_is_kept_after(world: World) -> None:
    _org_language(world.org, "cy")
    client = Client()
    client.post(reverse("accounts:language"), {"language": "en-gb", "next": "/"})
    client.force_login(world.carer)
    page = client.get(reverse("organisations:home", kwargs={"org_slug": "home-org"}))
    assert _html_lang(page.text) == "en"


def test_choosing_the_organisations_language_again_forgets_the_persons_own(world: World) -> None:
    _org_language(world.org, "cy")
    client = Client()
    client.force_login(world.carer)
    client.post(reverse("accounts:language"), {"language": "en-gb", "next": "/"})
    response = client.post(reverse("accounts:language_settings"), {"language": ""})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    world.carer.refresh_from_db()
    assert world.carer.language == ""
    assert _html_lang(client.get(reverse("accounts:settings")).text) == "cy"


def test_the_language_page_sent_back_unchanged_changes_nothing(world: World) -> None:
    User.objects.filter(pk=world.carer.pk).update(language="cy")
    client = Client()
    client.force_login(world.carer)
    page = client.get(reverse("accounts:language_settings")).text
    assert re.search(r'value="cy"[^>]*checked', page)
    client.post(reverse("accounts:language_settings"), {"language": "cy"})
    world.carer.refresh_from_db()
    assert world.carer.language == "cy"
    response = client.post(reverse("accounts:language_settings"), {"language": "xx"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    world.carer.refresh_from_db()
    assert world.carer.language == "cy"


def test_an_organisation_admin_sets_the_default_and_it_is_audited_once(world: World) -> None:
    client = Client()
    client.force_login(world.org_admin)
    url = reverse("organisations:language", kwargs={"org_slug": "home-org"})
    assert client.post(url, {"default_language": "cy"}).status_code == 302
    client.post(url, {"default_language": "cy"})  # the same again: nothing new
    world.org.refresh_from_db()
    assert world.org.default_language == "cy"
    events = AuditEvent.objects.filter(summary="Changed the organisation's language")
    assert [e.changes for e in events] == [{"default_language": ["en-gb", "cy"]}]
    response = client.post(url, {"default_language": "de"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    world.org.refresh_from_db()
    assert world.org.default_language == "cy"


# Emails.


def test_each_recipient_reads_an_email_in_their_own_language(world: World) -> None:
    User.objects.filter(pk=world.carer.pk).update(language="cy")
    _org_language(world.other_org, "cy")
    groups = languages_for_addresses(
        [world.carer.email, world.manager.email.upper(), world.outsider.email, "new@example.org"]
    )
    assert groups == {
        "cy": [world.carer.email, world.outsider.email],
        "en-gb": [world.manager.email.upper()],
        "": ["new@example.org"],
    }


def _body(message) -> str:
    return message.get_payload()[0].get_payload(decode=True).decode()


def test_a_welsh_reader_and_an_english_reader_get_one_email_each(world: World, smtp_sink) -> None:
    User.objects.filter(pk=world.carer.pk).update(language="cy")
    # The sender reads English; that decides nothing about what the recipients read.
    with translation.override("en-gb"):
        send_templated(
            template="invitation",
            to=[world.carer.email, world.manager.email],
            context={
                "organisation": world.org,
                "role": Role.EMPLOYEE.label,
                "inviter": "Sam",
                "path": "/x/",
                "expires_at": date(2027, 6, 1),
            },
        )
    emails = {message["To"]: message for message in smtp_sink}
    assert set(emails) == {world.carer.email, world.manager.email}
    assert "1 Mehefin 2027" in _body(emails[world.carer.email])
    assert "1 June 2027" in _body(emails[world.manager.email])
    assert emails[world.carer.email]["Subject"] != emails[world.manager.email]["Subject"]


def test_an_invitation_is_written_in_the_organisations_language(
    world: World, smtp_sink, django_capture_on_commit_callbacks
) -> None:
    from organisations.invitations import invitation_send

    _org_language(world.org, "cy")
    world.org.refresh_from_db()
    with translation.override("en-gb"), django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            organisation=world.org,
            email="someone.new@example.org",
            role=Role.EMPLOYEE,
            staff_record=None,
            by=world.hr_admin,
        )
    [message] = smtp_sink
    expires = Invitation.objects.get(email="someone.new@example.org").expires_at
    with translation.override("cy"):
        assert long_date(expires) in _body(message)


def test_an_organisation_someone_has_left_no_longer_chooses_their_language(world: World) -> None:
    _org_language(world.org, "cy")
    assert languages_for_addresses([world.leaver.email]) == {"en-gb": [world.leaver.email]}
    client = Client()
    client.force_login(world.leaver)
    assert _html_lang(client.get(reverse("accounts:settings")).text) == "en"
    # Someone still there gets the organisation's Welsh.
    assert languages_for_addresses([world.carer.email]) == {"cy": [world.carer.email]}

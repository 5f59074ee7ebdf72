"""Which language a person gets: pages, emails and documents (docs/welsh.md).

In order: the language the person chose for themselves (kept on their account); for someone
signed in who has not chosen, the choice they made on this browser before signing in; then
the default of the organisation they are working in (a Welsh public body may set Welsh for
everyone); then what their browser asks for. Emails follow the recipient, never the person
whose action sent them: a manager reading English agrees a Welsh-speaking carer's leave and
the carer is told in Welsh.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User
from organisations.models import Membership, Organisation
from organisations.selectors import organisations_current_for
from shared.languages import is_language


def browser_choice(request: HttpRequest) -> str | None:
    """The language chosen on this browser with the switcher, if any."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if is_language(code) else None


def working_organisation(request: HttpRequest, slug: str | None = None) -> Organisation | None:
    """The organisation the person is working in: the page's own (``slug``), else the one
    they last opened, else the first of theirs by name. Read from the memberships every page
    reads anyway for the header, so it costs no query of its own."""
    # Not one the person has left: a Welsh board they worked for must not decide for ever.
    organisations = organisations_current_for(user=request.user)
    if not organisations:
        return None
    for wanted in (slug, request.session.get("organisation_slug")):
        if found := next((o for o in organisations if o.slug == wanted), None):
            return found
    return organisations[0]


def language_for_request(request: HttpRequest, org_slug: str | None = None) -> str | None:
    """The language for a signed-in person's request; ``None`` leaves the browser's."""
    user: Any = request.user
    if not user.is_authenticated:
        return None
    if is_language(user.language):
        return str(user.language)
    if chosen := browser_choice(request):
        return chosen
    organisation = working_organisation(request, org_slug)
    return organisation.default_language if organisation is not None else None


def language_for_user(user: User) -> str:
    """The language to write to ``user`` in when they are not here to ask (emails)."""
    if is_language(user.language):
        return user.language
    default = (
        Membership.objects.with_power()
        .filter(user=user)
        .order_by("organisation__name", "organisation_id")
        .values_list("organisation__default_language", flat=True)
        .first()
    )
    return default if default is not None and is_language(default) else settings.LANGUAGE_CODE


def languages_for_addresses(addresses: list[str]) -> dict[str, list[str]]:
    """Email addresses grouped by the language each recipient reads, in the order given.

    Addresses with no account (someone invited, say) are grouped under ``""``: the caller
    knows best (an invitation is written in the inviting organisation's language).
    """
    wanted = {address.lower() for address in addresses}
    users: dict[str, tuple[str, int]] = {
        email: (language, user_id)
        # Accounts' addresses are kept in lower case (accounts.models.UserManager), so the
        # plain unique index on the address serves this: no scan of every account.
        for email, language, user_id in User.objects.filter(email__in=wanted).values_list(
            "email", "language", "pk"
        )
    }
    undecided = [user_id for language, user_id in users.values() if not is_language(language)]
    defaults: dict[int, str] = {}
    for member_id, default in (
        Membership.objects.with_power()
        .filter(user_id__in=undecided)
        .order_by("organisation__name", "organisation_id")
        .values_list("user_id", "organisation__default_language")
    ):
        defaults.setdefault(member_id, default)
    grouped: dict[str, list[str]] = defaultdict(list)
    for address in addresses:
        person = users.get(address.lower())
        if person is None:
            grouped[""].append(address)
            continue
        language, user_id = person
        if not is_language(language):
            language = defaults.get(user_id, settings.LANGUAGE_CODE)
        grouped[language if is_language(language) else settings.LANGUAGE_CODE].append(address)
    return dict(grouped)

"""Where a lesson's ``product:`` and ``help:`` links lead in this organisation.

Lessons point at the live pages (the passport, carer's leave, flexible working, the help
pages) rather than repeating what they say, so a learner always reads the current rules.
"""

from __future__ import annotations

from django.urls import reverse

from guidance.public import help_url

#: The product pages a lesson may link to, by the name written after ``product:``.
PRODUCT_PAGES = {
    "passport": "passports:carer_home",
    "team-passports": "passports:team",
    "carers-leave": "leave:home",
    "flexible-working": "flexible:home",
    "learning": "learning:home",
}


def resolve_link(href: str, *, org_slug: str) -> str:
    """The address of ``product:<name>`` or ``help:<slug>``. An unknown name is a mistake in
    the content, so it raises ``KeyError`` (the content tests render every lesson)."""
    kind, _, name = href.partition(":")
    if kind == "help":
        return help_url(name)
    if kind == "product":
        return reverse(PRODUCT_PAGES[name], kwargs={"org_slug": org_slug})
    raise KeyError(href)

"""What other apps may use from the help pages: a page's address by its stable slug, and a
search over the pages' text.

Help pages hold no organisation's data, so neither function takes a viewer, and neither
touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from guidance.content import GLOSSARY, GLOSSARY_SLUG, PAGES, HelpPage, slugs

#: The longest query ``search_help`` reads; longer ones are cut, not refused.
MAX_QUERY = 100


def help_url(slug: str) -> str:
    """The address of the help page ``slug``. An unknown slug is a mistake in the caller, so it
    raises ``KeyError`` rather than producing a link that leads nowhere."""
    if slug not in slugs():
        raise KeyError(f"No help page with the slug {slug!r}")
    if slug == GLOSSARY_SLUG:
        return reverse("guidance:glossary")
    return reverse("guidance:page", kwargs={"slug": slug})


@dataclass(frozen=True)
class HelpResult:
    title: str
    summary: str
    url: str


def _words(query: str) -> list[str]:
    return query[:MAX_QUERY].casefold().split()


def _page_text(page: HelpPage) -> str:
    parts = [page.title, page.summary, *page.what_next, *page.who_sees, page.law]
    for section in page.sections:
        parts += [section.heading, *section.paragraphs, *section.bullets]
    return " ".join(str(part) for part in parts).casefold()


def search_help(query: str, *, limit: int = 10) -> list[HelpResult]:
    """Help pages and glossary terms containing every word of ``query``, titles matching first.

    The pages are a few dozen short texts in memory, so a plain scan is quick enough and
    costs no query whatever the organisation's size."""
    words = _words(query)
    if not words:
        return []
    scored: list[tuple[int, int, HelpResult]] = []
    for order, page in enumerate(PAGES):
        if all(word in _page_text(page) for word in words):
            title = str(page.title).casefold()
            in_title = sum(word in title for word in words)
            result = HelpResult(str(page.title), str(page.summary), help_url(page.slug))
            scored.append((-in_title, order, result))
    glossary = help_url(GLOSSARY_SLUG)
    for order, term in enumerate(GLOSSARY, start=len(PAGES)):
        text = f"{term.term} {term.meaning}".casefold()
        if all(word in text for word in words):
            in_title = sum(word in str(term.term).casefold() for word in words)
            result = HelpResult(str(term.term), str(term.meaning), f"{glossary}#{term.slug}")
            scored.append((-in_title, order, result))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [result for _score, _order, result in scored[:limit]]

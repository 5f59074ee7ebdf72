"""Markdown that people type, rendered safely in GOV.UK style: one parser for the whole product.

CommonMark with raw HTML turned off, so a ``<script>`` typed anywhere is shown as text, never
run; markdown-it's link validation stays on, so ``javascript:`` links are dropped. Headings
start at h2, because the page's own ``<h1>`` is the title of what is shown. Lessons
(``learning.content``) add their own product links on top; text written by an organisation
for its staff (``render_text``) keeps only http and https links, and shows no images, which
would load from someone else's server as the page is read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark", {"html": False})
_TEXT = MarkdownIt("commonmark", {"html": False}).disable("image")

_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
}
_HEADINGS = {"h1": "govuk-heading-l", "h2": "govuk-heading-m", "h3": "govuk-heading-s"}


def walk(tokens: list[Token]) -> Iterable[Token]:
    """Every token, the inline children after their parent."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def style(token: Token) -> None:
    """Give a token its GOV.UK class; headings move down to start at h2."""
    if token.type == "heading_open":
        level = max(int(token.tag[1]), 2)
        token.tag = f"h{level}"
        token.attrSet("class", _HEADINGS.get(token.tag, "govuk-heading-s"))
    elif token.type == "heading_close":
        token.tag = f"h{max(int(token.tag[1]), 2)}"
    elif token.type in _CLASSES:
        token.attrSet("class", _CLASSES[token.type])


def is_web_link(href: str) -> bool:
    return href.lower().startswith(("http://", "https://"))


def render_text(markdown: str) -> SafeString:
    """Text an organisation wrote for its staff as HTML: a link to anything but an http or
    https address keeps its words and loses its target, and images are not shown."""
    tokens = _TEXT.parse(markdown)
    for token in walk(tokens):
        style(token)
        if token.type == "link_open" and not is_web_link(str(token.attrGet("href") or "")):
            token.attrs.pop("href", None)
    html: str = _TEXT.renderer.render(tokens, _TEXT.options, {})
    return mark_safe(html)  # raw HTML is off: every character typed was escaped

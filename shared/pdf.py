"""What every PDF shares: the embedded typefaces, the page style, stored text made safe to
print, and building a tagged, accessible file from a Django template (ADR 0019).

Documents are HTML templates that extend ``pdf/base.html``; WeasyPrint lays them out with
Pango and HarfBuzz (so accents are placed, right-to-left text is ordered and Arabic is
shaped) and writes PDF/UA-1: a tagged PDF whose structure tree follows the HTML (headings,
paragraphs, lists, tables with header cells), with the document's language and title.

Only fonts shipped with the project are used, through ``@font-face`` rules with file URLs:
DejaVu Sans (``shared/fonts/dejavu``) for Latin, Greek, Cyrillic and Hebrew, and Droid Sans
Fallback (``shared/fonts/droid``) for Chinese and Japanese. A character they lack (Korean
Hangul, Arabic, which DejaVu's oblique faces lack, most emoji) prints as U+FFFD, the
replacement character, never as an empty box or from whatever fonts the machine has.

Stored text reaches a document only through the template engine, which escapes it; the
rendered HTML is then cleaned once (``pdf_plain``): control characters go, text is
normalised to NFC, invisible formatting characters are dropped. A word longer than a line is
broken (``overflow-wrap: anywhere``, helped by ``_breakable``) and table rows split across
pages, so no amount of text stops a document being built.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
from django.template.loader import render_to_string
from django.utils import translation

from shared.printable import REPLACEMENT, printable

FONT_DIR = Path(__file__).resolve().parent / "fonts"
#: (family, file, weight, style) of every face the documents may use.
FACES = (
    ("DejaVu Sans", "dejavu/DejaVuSans.ttf", "normal", "normal"),
    ("DejaVu Sans", "dejavu/DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVu Sans", "dejavu/DejaVuSans-Oblique.ttf", "normal", "italic"),
    ("DejaVu Sans", "dejavu/DejaVuSans-BoldOblique.ttf", "bold", "italic"),
    ("Droid Sans Fallback", "droid/DroidSansFallbackFull.ttf", "normal", "normal"),
)
#: Zero-width and bidirectional formatting characters, soft hyphens and variation selectors.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]")
#: A run of text longer than any word, between two tags; and its characters (an entity is one).
_TEXT = re.compile(r">([^<]+)<")
_LONG_RUN = re.compile(r"[^\s<>]{31,}")
_CHARACTER = re.compile(r"&#?\w+;|.", re.DOTALL)
#: Every how many characters a long run may break.
_BREAK_EVERY = 5


@functools.cache
def covered() -> frozenset[int]:
    """The characters every face of DejaVu Sans has, and those Droid Sans Fallback adds
    (it has one face; bold and italic are drawn from it)."""
    from fontTools.ttLib import TTFont  # only when a PDF is first made, not at start-up

    dejavu: set[int] | None = None
    fallback: set[int] = set()
    for family, name, _weight, _style in FACES:
        with TTFont(FONT_DIR / name, lazy=True) as font:
            characters = set(font.getBestCmap())
        if family == "DejaVu Sans":
            dejavu = characters if dejavu is None else dejavu & characters
        else:
            fallback |= characters
    return frozenset((dejavu or set()) | fallback)


@functools.cache
def font_faces() -> str:
    """The ``@font-face`` rules for the project's fonts, as file URLs."""
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(FONT_DIR / name).as_uri()}"); }}'
        for family, name, weight, style in FACES
    )


def pdf_plain(value: object) -> str:
    """Text as the embedded fonts can print it: printable, NFC, without invisible formatting
    characters, and U+FFFD for each character no font has. Markup is left alone, so this
    works on text and on the rendered (already escaped) HTML alike."""
    characters = covered()
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", printable(value))).replace("\t", " ")
    return "".join(
        character if ord(character) in characters or character == "\n" else REPLACEMENT
        for character in text
    )


def _breakable(html: str) -> str:
    """The page with a zero-width space every few characters of each run of text longer
    than any word (a 10,000-letter "word", a long address), in the body's text only.

    ``overflow-wrap: anywhere`` would break it anyway, but WeasyPrint then lays the rest of
    the run out again for every line, which took tens of seconds for one long word in a
    narrow table cell; with these break opportunities it takes about a second. The space
    has no glyph, so text copied from the PDF is as stored.
    """

    def split(run: re.Match[str]) -> str:
        characters = _CHARACTER.findall(run.group())
        return "\u200b".join(
            "".join(characters[start : start + _BREAK_EVERY])
            for start in range(0, len(characters), _BREAK_EVERY)
        )

    head, body_tag, body = html.partition("<body")
    body = _TEXT.sub(lambda text: ">" + _LONG_RUN.sub(split, text.group(1)) + "<", body)
    return head + body_tag + body


def _display_title(_document: Any, pdf: pydyf.PDF) -> None:
    # PDF/UA: a reader's title bar shows the title, not the file name.
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


def pdf_render(
    template: str, context: dict[str, Any], *, title: str, author: str, landscape: bool = False
) -> bytes:
    """The finished PDF/UA-1 file for ``template`` (which extends ``pdf/base.html``).

    The title and author are stored text too (an organisation's name); the language is the
    one the request is served in.
    """
    html = render_to_string(
        template,
        {
            **context,
            "pdf_title": title,
            "pdf_author": author,
            "pdf_lang": translation.to_locale(translation.get_language() or "en-gb").replace(
                "_", "-"
            ),
            "pdf_fonts": font_faces(),
            "pdf_landscape": landscape,
        },
    )
    # Imported here: WeasyPrint loads Pango when imported, and a machine without it should
    # still serve every page but the PDFs (the README names Pango as a requirement).
    from weasyprint import HTML

    content: bytes = HTML(string=_breakable(pdf_plain(html)), url_fetcher=_fonts_only()).write_pdf(
        pdf_variant="pdf/ua-1", finisher=_display_title
    )
    return content


def _fonts_only() -> Any:
    """What a document may load: the project's own font files, nothing else. An address that
    ever reached a template (an image, a style sheet) must not make the server fetch from the
    network or read one of its own files into a PDF someone downloads."""
    from weasyprint.urls import URLFetcher

    fonts = FONT_DIR.resolve()

    class FontsOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if path.is_relative_to(fonts):
                    return super().fetch(url, headers)
            raise ValueError(f"a PDF may not load {url[:80]!r}")

    return FontsOnly(allowed_protocols={"file"}, allow_redirects=False)

"""What every PDF shares: the embedded typeface, the styles, stored text made safe for
reportlab, and building the file.

reportlab's built-in fonts (Helvetica) know only Western European letters, so "Gwŵr" or
"Nguyễn" printed as empty boxes. Every document now embeds DejaVu Sans (``shared/fonts``),
which covers Latin in full (Welsh, Vietnamese, Polish...), Greek, Cyrillic, Hebrew and more.
A character none of its faces has (Chinese, Japanese and Korean, most emoji) prints as
U+FFFD, the replacement character, never as an empty box; ADR 0012 says why, and what would
print them instead.

Text goes into a paragraph through ``pdf_text``: it is cleaned (``shared.printable``),
normalised to NFC (reportlab places no accents, so "e" followed by a combining accent must
become "é"), stripped of invisible formatting characters (reportlab has no bidirectional
layout to give them a meaning), and escaped, because a paragraph reads ``<`` and ``&`` as
markup. Tables split a row that is taller than a page (``pdf_table``), so no amount of text
stops a document being built.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from shared.printable import REPLACEMENT, printable

FONT_DIR = Path(__file__).resolve().parent / "fonts" / "dejavu"
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FACES = (FONT, BOLD, ITALIC, BOLD_ITALIC)
#: reportlab's sample styles name the built-in faces; each is swapped for the embedded one.
_INSTEAD_OF = {
    "Helvetica": FONT,
    "Helvetica-Bold": BOLD,
    "Helvetica-Oblique": ITALIC,
    "Helvetica-BoldOblique": BOLD_ITALIC,
}
#: Zero-width and bidirectional formatting characters, soft hyphens and variation selectors.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]")


@functools.cache
def register_fonts() -> frozenset[int]:
    """Register DejaVu Sans once per process; return the characters every face can print."""
    covered: set[int] | None = None
    for name in _FACES:
        font = TTFont(name, str(FONT_DIR / f"{name}.ttf"))
        pdfmetrics.registerFont(font)
        characters = set(font.face.charWidths)
        covered = characters if covered is None else covered & characters
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    return frozenset(covered or ())


def pdf_styles() -> StyleSheet1:
    """reportlab's sample styles (a fresh copy: callers clone and change them), set in the
    embedded typeface."""
    register_fonts()
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        for attribute in ("fontName", "bulletFontName"):
            current = getattr(style, attribute, None)
            if current in _INSTEAD_OF:
                setattr(style, attribute, _INSTEAD_OF[current])
    return sheet


def pdf_plain(value: object) -> str:
    """Stored text as the embedded font can print it, not yet escaped for a paragraph: for
    table cells given as plain strings and the document's title and author."""
    covered = register_fonts()
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", printable(value))).replace("\t", " ")
    return "".join(
        character if ord(character) in covered or character == "\n" else REPLACEMENT
        for character in text
    )


def pdf_text(value: object) -> str:
    """Stored text as paragraph markup: printable, escaped, line breaks kept."""
    return (
        pdf_plain(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )


def pdf_table(rows: Sequence[Sequence[Any]], widths: Sequence[float], style: TableStyle) -> Table:
    """A table with a heading row repeated on each page, whose rows split across pages
    when one is taller than a page (a long note would otherwise stop the build)."""
    built = Table(list(rows), colWidths=list(widths), repeatRows=1, splitInRow=1)
    built.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT)]))  # cells given as text
    built.setStyle(style)
    return built


def pdf_list(
    items: Sequence[Flowable], *, numbered: bool = False, indent: float | None = None
) -> ListFlowable:
    """A bulleted or numbered list whose bullets and numbers are in the embedded font too."""
    options: dict[str, Any] = {"bulletFontName": FONT}
    if indent is not None:
        options["leftIndent"] = indent
    return ListFlowable(
        [ListItem(item) for item in items], bulletType="1" if numbered else "bullet", **options
    )


def pdf_build(
    story: list[Any], *, title: str, author: str, pagesize: Any = A4, margin: float = 18 * mm
) -> bytes:
    """The finished PDF. The title and author are stored text too (an organisation's name)."""
    register_fonts()
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title=pdf_plain(title),
        author=pdf_plain(author),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        initialFontName=FONT,  # or each page names Helvetica, which is not embedded
    ).build(story)
    return buffer.getvalue()

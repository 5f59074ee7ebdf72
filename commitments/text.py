"""The commitment's text format: plain paragraphs with a little Markdown.

Organisations write in a text box, so the format is the few things people type anyway:
``#`` headings, numbered or bulleted lists and ``**bold**``. Everything else is plain
text, escaped, so nothing typed can inject markup into the page or the PDF. One parser
serves both, so the printed copy says exactly what the page says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass
class Block:
    #: ``heading``, ``paragraph``, ``numbered`` or ``bulleted``.
    kind: str
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)


def _list_items(lines: list[str], pattern: re.Pattern[str]) -> list[str] | None:
    """The items of a block in which every item line matches ``pattern``; lines that do not
    match continue the item above (a long item wrapped by hand)."""
    items: list[str] = []
    for line in lines:
        found = pattern.match(line)
        if found:
            items.append(found.group(1).strip())
        elif items:
            items[-1] += " " + line.strip()
        else:
            return None
    return items


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        heading = _HEADING.match(lines[0])
        if heading and len(lines) == 1:
            blocks.append(Block("heading", heading.group(2).strip(), level=len(heading.group(1))))
            continue
        for kind, pattern in (("numbered", _NUMBERED), ("bulleted", _BULLET)):
            items = _list_items(lines, pattern)
            if items is not None:
                # Items separated by blank lines still make one list.
                if blocks and blocks[-1].kind == kind:
                    blocks[-1].items.extend(items)
                else:
                    blocks.append(Block(kind, items=items))
                break
        else:
            blocks.append(Block("paragraph", " ".join(lines)))
    return blocks


def inline_html(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", str(escape(text)))


_HEADING_CLASS = {1: "govuk-heading-l", 2: "govuk-heading-m", 3: "govuk-heading-s"}


def to_html(text: str) -> SafeString:
    """GOV.UK-styled HTML. The commitment's own headings start at h2: the page has the h1."""
    parts: list[str] = []
    for block in parse(text):
        if block.kind == "heading":
            tag = f"h{block.level + 1}"
            parts.append(
                f'<{tag} class="{_HEADING_CLASS[block.level]}">{inline_html(block.text)}</{tag}>'
            )
        elif block.kind in {"numbered", "bulleted"}:
            tag, style = ("ol", "number") if block.kind == "numbered" else ("ul", "bullet")
            items = "".join(f"<li>{inline_html(item)}</li>" for item in block.items)
            parts.append(f'<{tag} class="govuk-list govuk-list--{style}">{items}</{tag}>')
        else:
            parts.append(f'<p class="govuk-body">{inline_html(block.text)}</p>')
    return mark_safe("\n".join(parts))

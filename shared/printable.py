"""Stored text made safe for an output: a file, a document, a header.

Forms and the API refuse control characters at the door, but text also arrives another way
(rows stored before that rule, the Django admin, imports, a signed credential), so every
output cleans what it prints itself, through these two functions, and never fails on it.
What each output does with them is in docs/text.md ("Output").

- Line breaks of every kind (CR LF, CR, the vertical tab Word pastes for a soft line break,
  form feed, the Unicode line and paragraph separators) become one ``\\n``.
- Other control characters (C0 but tab, DEL, C1) are removed: they have no visible form,
  and spreadsheets, calendars and XML refuse them.
- Lone surrogates and the non-characters U+FFFE and U+FFFF, which cannot be encoded or are
  not allowed in XML, become U+FFFD, the replacement character.

Everything else (any script, emoji, marks, right-to-left text) is left as it is.

``json_bytes`` is the JSON download's counterpart: JSON can carry any string, so nothing is
removed there, but a lone surrogate (which a JSON field on SQLite can hold) cannot be encoded
as UTF-8, so it is written as the escape JSON has for it.
"""

from __future__ import annotations

import json
import re

#: What ``str.splitlines`` treats as a line break, CR LF first so it makes one break.
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: C0 controls but tab and line feed (line breaks are handled above), DEL and C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def printable(value: object) -> str:
    """``value`` as text without control characters, with every line break as ``\\n``."""
    text = "" if value is None else str(value)
    text = _UNENCODABLE.sub(REPLACEMENT, text)
    text = _LINE_BREAK.sub("\n", text)
    return _CONTROL.sub("", text)


def one_line(value: object) -> str:
    """``printable`` text on one line, runs of white space as one space: for email headers
    and other places where a line break would end the field."""
    return " ".join(printable(value).split())


def json_bytes(data: object, *, indent: int | None = None) -> bytes:
    """``data`` as UTF-8 JSON, readable as text, whatever its strings hold.

    A lone surrogate is written as its ``\\uXXXX`` escape, as ``ensure_ascii`` would write it,
    so a JSON reader gets back exactly what was stored and encoding never fails.
    """
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return text.encode("utf-8", errors="backslashreplace")

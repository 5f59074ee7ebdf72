"""One rule for text at the door: whatever a person types, pastes, sends or uploads.

Text is kept for others to read on pages and in PDFs, spreadsheets, calendar entries and
emails. A character that cannot be shown or printed (a control character pasted from a
word processor or a terminal) makes an XLSX library refuse the whole file, a PDF print an
empty box, a calendar line end early; one person's paste then breaks a document for
everyone. So every form, API schema, import and upload name goes through this module,
and the rows stored before it were cleaned by ``shared/migrations/0003``. The rule is
described for people in ``docs/text.md``:

1. **Line breaks.** A multi-line answer keeps tab and line feed; every other line break
   (CR LF as browsers send it, CR, vertical tab as Word pastes a line break, form feed,
   NEL, U+2028, U+2029) becomes a line feed. A single-line answer has every line break and
   tab turned into a space.
2. **Characters that are not text**: the C0 control characters other than those, DEL, the
   C1 controls (U+0080 to U+009F), the noncharacters (U+FDD0 to U+FDEF and the last two code
   points of every plane, U+FFFE and U+FFFF among them), and the direction embeddings and
   overrides (U+202A to U+202E), which can make the text after them read in a misleading
   order (a file called ``invoice<U+202E>fdp.exe`` shows as ``invoiceexe.pdf``).
   They are **removed** from a single-line answer, where they only ever come from a paste,
   and **refused** in a multi-line one, naming the character and its line, so nothing
   silently changes in a long text the person will read again.
3. **Lone surrogates** (half of a UTF-16 pair, which JSON's ``\\ud800`` can carry) are not
   text at all and cannot be stored: always refused.
4. The result is in **NFC**, so that "é" typed as one character or as "e" and a combining
   accent is stored, compared and searched the same way.

Everything else is text and kept: right-to-left marks (U+200E, U+200F, U+061C) and the
direction isolates (U+2066 to U+2069), which stay within their own text; zero-width joiners
and non-joiners; combining marks; emoji, their variation selectors and tag sequences (the
Welsh flag); private-use characters; and code points this Python does not know yet, which
a newer phone may already send as a new emoji.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
#: Line breaks other than LF, as ``str.splitlines`` knows them (less the file, group and
#: record separators, which nobody types).
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SINGLE_LINE_BREAKS = re.compile("\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_DIRECTION_OVERRIDES = "\u202a-\u202e"
_NOT_TEXT = re.compile(f"[{_CONTROLS}{_DIRECTION_OVERRIDES}{_NONCHARACTERS}]")
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Every direction control, marks and isolates too: none belongs in a file name.
_DIRECTION_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class TextRuleError(ValidationError):
    """Text that breaks the rule. ``reason`` is the message without its subject, for
    callers that say which field in their own way (the staff import's "column: reason")."""

    def __init__(self, *, reason: str, code: str, label: str = "", line: int | None = None):
        self.reason = reason
        subject = label or _("The text")
        message = f"{subject} {reason}."
        if line is not None:
            message += " " + _("Retype that line.")
        super().__init__(message, code=code)


def _refusal(value: str, position: int, *, multiline: bool, label: str) -> TextRuleError:
    """The error for the character at ``position``, naming it and, in several lines, its line."""
    char = value[position]
    code_point = f"U+{ord(char):04X}"
    line = value.count("\n", 0, position) + 1 if multiline else None
    where = _(" on line %(line)s") % {"line": line} if line is not None else ""
    if "\ud800" <= char <= "\udfff":
        code = "broken_character"
        reason = _(
            "has a broken character (%(char)s)%(where)s: half of a pair that means nothing "
            "on its own"
        )
    elif "\u202a" <= char <= "\u202e":
        code = "direction_override"
        reason = _(
            "has a hidden direction control (%(char)s)%(where)s that can make the text "
            "around it read in a misleading order"
        )
    elif unicodedata.category(char) == "Cn":
        code = "noncharacter"
        reason = _("has %(char)s%(where)s, which is not a character of any language")
    else:
        code = "control_character"
        reason = _(
            "has a hidden control character (%(char)s)%(where)s that cannot be shown or printed"
        )
    return TextRuleError(
        reason=reason % {"char": code_point, "where": where}, code=code, label=label, line=line
    )


def _is_clean(value: str) -> bool:
    """True for text that the rule leaves as it is, found without a regular expression for
    nearly everything people type: ``isprintable`` is false for every character the rule
    changes (controls, format characters, surrogates, unassigned code points, line and
    paragraph separators), and ASCII is always in NFC."""
    if value.isprintable():
        return value.isascii() or unicodedata.is_normalized("NFC", value)
    return False


def clean_text(value: str, *, multiline: bool, strict: bool = False, label: str = "") -> str:
    """``value`` by the rule at the top of this module, or a ``TextRuleError`` saying why not.

    ``multiline`` is true for a text area (or an API field stored as one): its characters
    that are not text are refused, naming the line; a single line has them removed.
    ``strict`` refuses them in a single line too, for imports, where the file can be put
    right at its source and a removed character could make one staff number another's.
    ``label`` names the field in the message ("Title has a hidden control character...").
    """
    if _is_clean(value):
        return value
    found = _SURROGATES.search(value)
    if found:
        raise _refusal(value, found.start(), multiline=multiline, label=label)
    if multiline:
        value = _BREAKS.sub("\n", value)
        found = _NOT_TEXT.search(value)
    else:
        value = _SINGLE_LINE_BREAKS.sub(" ", value)
        found = _NOT_TEXT.search(value)
        if found and not strict:
            value = _NOT_TEXT.sub("", value)
            found = None
    if found:
        raise _refusal(value, found.start(), multiline=multiline, label=label)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def scrub_text(value: str, *, multiline: bool) -> str:
    """``value`` by the rule, removing whatever it would refuse: for text already stored
    (the cleaning migration) and for upload names, where there is nobody to ask."""
    if _is_clean(value):
        return value
    value = _SURROGATES.sub("", value)
    if multiline:
        value = _NOT_TEXT.sub("", _BREAKS.sub("\n", value))
    else:
        value = _NOT_TEXT.sub("", _SINGLE_LINE_BREAKS.sub(" ", value))
    return unicodedata.normalize("NFC", value)


def scrub_json(value: Any) -> Any:
    """Every string in a JSON value scrubbed as multi-line text (keys are the product's own)."""
    if isinstance(value, str):
        return scrub_text(value, multiline=True)
    if isinstance(value, list):
        return [scrub_json(item) for item in value]
    if isinstance(value, dict):
        return {key: scrub_json(item) for key, item in value.items()}
    return value


def clean_filename(name: str | None, *, default: str = "file", limit: int = 200) -> str:
    """The name an upload arrived with, safe to store, show and put in a download's header.

    Only the last part of a path is kept (browsers on Windows once sent ``C:\\...``); the
    rule is applied as for a single line, removing what it would refuse, since a person
    cannot see what is wrong with a name their computer gave; every direction control is
    removed, marks and isolates too, because a file name is where reversed text is used to
    disguise one kind of file as another; spaces are collapsed, leading and trailing dots
    and spaces dropped (a name of dots means a folder), and a long name is shortened to
    ``limit`` characters keeping its extension. An empty result is ``default``.
    """
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    text = _DIRECTION_CONTROLS.sub("", scrub_text(base, multiline=False))
    text = " ".join(text.split()).strip(" .")
    if len(text) > limit:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            text = stem[: limit - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:limit].rstrip(" .")
    return text or default


# --- The rule for the API's schemas (django-ninja, so pydantic) --------------------------


def _for_api(*, multiline: bool) -> WrapValidator:
    """The rule around pydantic's own checks: a string is cleaned only after they pass, so a
    length limit counts what the client sent, as the schema says, and not what is left once
    control characters are removed. A lone surrogate is refused first, in the rule's words,
    since pydantic's own message for it does not say which character is wrong."""

    def check(value: object, handler: ValidatorFunctionWrapHandler) -> str:
        try:
            if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
                clean_text(value, multiline=multiline)  # raises, naming the character
            checked: str = handler(value)
            return clean_text(checked, multiline=multiline)
        except TextRuleError as error:
            raise PydanticCustomError(
                "text_rule", "{message}", {"message": error.message}
            ) from None

    return WrapValidator(check)


#: A one-line string in an API schema: names, titles, codes, emails, references.
SingleLine = Annotated[str, _for_api(multiline=False)]
#: A string an API client may send as several lines: what a text area takes on the pages.
MultiLine = Annotated[str, _for_api(multiline=True)]

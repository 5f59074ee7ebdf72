"""Where a service is available, and links that are safe to show.

An area is either a postcode district ("SW1A", the part of a postcode before the space) or a
local authority's name ("Leeds"). Both are kept upper case with single spaces, so a search
compares like with like. A full postcode typed in a search is cut to its district: the
directory never needs, and never keeps, anyone's full postcode.

The checks are simple on purpose: they catch typing mistakes, not every postcode Royal Mail
has never issued.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from signposting.models import AreaKind

_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?) ?[0-9][A-Z]{2}$")
# Letters, spaces and the punctuation of names such as "Brighton & Hove" or "King's Lynn".
_AUTHORITY = re.compile("^[A-Z][A-Z '\u2019&,.()-]{1,99}$")
AREA_MAX = 100


class PlaceError(ValueError):
    """Text that is neither a postcode nor a local authority's name; the message says so."""


def place(text: str) -> tuple[AreaKind, str]:
    """The area ``text`` names: ``(kind, value)``, or ``PlaceError``."""
    value = " ".join(text.split()).upper()
    if not value:
        raise PlaceError(_("Enter a postcode or the name of a local authority"))
    postcode = _POSTCODE.match(value)
    if postcode:
        return AreaKind.POSTCODE_DISTRICT, postcode.group(1)
    if _DISTRICT.match(value):
        return AreaKind.POSTCODE_DISTRICT, value
    if _AUTHORITY.match(value) and sum(c.isalpha() for c in value) >= 2:
        return AreaKind.LOCAL_AUTHORITY, value
    raise PlaceError(
        _(
            "“%(text)s” is not a postcode, a postcode district (such as LS1) or the name of a "
            "local authority"
        )
        % {"text": text.strip()[:AREA_MAX]}
    )


def places(text: str) -> list[tuple[AreaKind, str]]:
    """Every area in ``text``, one per line or separated by semicolons, without repeats."""
    found: list[tuple[AreaKind, str]] = []
    for part in re.split(r"[\n;]", text):
        if part.strip():
            area = place(part)
            if area not in found:
                found.append(area)
    return found


def link_problem(url: str) -> str | None:
    """Why ``url`` may not be shown as a link, or ``None``. Only ``http`` and ``https``
    addresses are allowed: anything else (``javascript:``, ``data:``, a file) could run or
    open something other than a web page when someone follows it."""
    if url != url.strip() or any(c.isspace() or ord(c) < 32 for c in url):
        return _("Enter the website's address without spaces")
    scheme = urlsplit(url).scheme.lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        return _("Enter a website address starting with https:// or http://")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return _("Enter the website's address in full, such as https://www.example.org")
    return None

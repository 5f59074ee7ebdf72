"""The site's languages (``settings.LANGUAGES``), checked in one place: a code from a form, a
cookie or a stored choice is used only if it is one of them."""

from __future__ import annotations

from django.conf import settings

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def is_language(code: object) -> bool:
    """Whether ``code`` is one of the site's languages (and so safe to activate or store)."""
    return isinstance(code, str) and code in LANGUAGE_CODES

"""``{% load languages %}`` then ``{% languages_in_themselves as languages %}``: the site's
languages, each named in itself ("English", "Cymraeg") whatever the page's language.

Django's ``get_available_languages`` translates the names into the page's language, so a
Welsh page would offer "Saesneg": a switcher must name each language as its readers do.
"""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def languages_in_themselves() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]

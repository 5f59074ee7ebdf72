"""``{% help_link "slug" %}``: the one "Help with this" link every page uses to reach its help.

Templates load this library instead of importing the app, so any app's page may link to help
without a code dependency on ``guidance``.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from guidance.public import help_url as _help_url

register = template.Library()


@register.simple_tag
def help_url(slug: str) -> str:
    """The address of the help page ``slug``; an unknown slug fails loudly."""
    return _help_url(slug)


@register.simple_tag
def help_link(slug: str) -> SafeString:
    """A small "Help with this" link to the help page ``slug``, the same on every page."""
    return format_html(
        '<p class="govuk-body-s app-help-link"><a class="govuk-link" href="{}">{}</a></p>',
        _help_url(slug),
        _("Help with this"),
    )

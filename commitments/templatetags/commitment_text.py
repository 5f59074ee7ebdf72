from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from commitments.text import to_html

register = template.Library()


@register.filter
def commitment_html(text: str) -> SafeString:
    """The commitment's text as GOV.UK HTML (everything typed is escaped)."""
    return to_html(text)

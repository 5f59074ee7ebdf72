"""How the business case writes its numbers: as typed, without trailing zeros (14.3, not
14.30), with thousands grouped (30,614)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value: Decimal | int | None) -> str:
    """A number for reading: grouped thousands, no exponent, no zeros after the point."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    return f"{number:,f}"

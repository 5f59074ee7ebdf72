"""How pages and emails name a person: one rule, written in docs/architecture.md ("Naming people").

``{% load people %}`` then ``{{ user|person }}`` for an account (their name, else their email
address), and ``{{ event|actor }}`` for whoever an audit entry says acted.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.selectors import actor_name, display_name

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """An account as others know it; "Someone" when there is none."""
    return display_name(user)


@register.filter
def actor(event: Any) -> str:
    """The person an audit entry names. Load entries with ``select_related("actor")``: this
    reads the loaded account and never queries."""
    account = event.actor if event.actor_id is not None else None
    return actor_name(actor=account, label=event.actor_label)

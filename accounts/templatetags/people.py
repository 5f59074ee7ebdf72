"""How pages and emails name a person: one rule, written in docs/architecture.md ("Naming people").

``{% load people %}`` then ``{{ user|person }}`` for an account (their name, else their email
address) or a staff record, and ``{{ event|actor }}`` for whoever an audit entry says acted.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.selectors import actor_name, display_name

register = template.Library()


@register.filter
def person(who: Any) -> str:
    """An account, or a staff record, as others know them; "Someone" when there is none."""
    full_name = getattr(who, "full_name", None)  # a staff record: its name is required
    if isinstance(full_name, str):
        return full_name
    if not hasattr(who, "first_name"):
        # Nobody, or a name missing from the page's context (Django passes ""): never a fault.
        return display_name(None)
    return display_name(who)


@register.filter
def actor(event: Any) -> str:
    """The person an audit entry names. Load entries with ``select_related("actor")``: this
    reads the loaded account and never queries."""
    account = event.actor if event.actor_id is not None else None
    return actor_name(actor=account, label=event.actor_label)

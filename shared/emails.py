"""One helper for every email: subject, text and HTML templates rendered together.

Rendering happens at once (the templates need the request's objects); sending is a
background task, through the outbox (``shared.outbox``), so a slow or failing mail
server never breaks the page that asked, and a failed send is tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation

from shared.outbox import outbox_add
from shared.printable import one_line
from shared.queue import task


@task(queue_name="email")
def send_rendered_email(
    *,
    subject: str,
    text: str,
    html: str,
    to: list[str],
    attachments: list[tuple[str, str, str]] | None = None,
) -> str:
    """Emails queued before the outbox carried their text in the task: send them through it."""
    email = outbox_add(subject=subject, text=text, html=html, to=to, attachments=attachments)
    return email.status


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_templated(*, template: str, context: dict[str, Any]) -> RenderedEmail:
    """Render ``emails/<template>-subject.txt``, ``-body.txt`` and ``-body.html``.

    The subject is one line without control characters (``one_line``), whatever the
    context holds, so no stored text can add a header. The subject and the text body are
    plain text, not HTML, so nothing in them is escaped.

    The subject and the first lines of each body are what an inbox preview shows, often
    on a screen others can see: they must never say that someone is a carer
    (docs/trust-rules.md, rule 11). ``carershub/tests/test_email_privacy.py`` renders
    every template found here and checks.
    """
    context = {"site_url": settings.SITE_URL, **context}
    return RenderedEmail(
        subject=one_line(_plain(f"emails/{template}-subject.txt", context)),
        text=_plain(f"emails/{template}-body.txt", context),
        html=render_to_string(f"emails/{template}-body.html", context),
    )


def _plain(name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping: an organisation called
    "Smith & Co" is written so, not "Smith &amp; Co"."""
    return Engine.get_default().get_template(name).render(Context(context, autoescape=False))


#: Groups addresses by the language each recipient reads, ``""`` for addresses of no known
#: person. Set by ``organisations`` (``organisations.languages``), which knows people and
#: their organisations; this layer does not.
LanguageGroups = Callable[[list[str]], dict[str, list[str]]]
_recipient_languages: LanguageGroups | None = None


def register_recipient_languages(groups: LanguageGroups) -> None:
    global _recipient_languages
    _recipient_languages = groups


def recipient_languages(addresses: list[str]) -> dict[str, str]:
    """The language each address's reader reads (``""`` for no known person), found at once
    for many: a caller sending one email to each of hundreds passes each its own (``reads``)."""
    groups = _recipient_languages(addresses) if _recipient_languages is not None else {}
    return {address: reads for reads, group in groups.items() for address in group}


def send_templated(
    *,
    template: str,
    to: list[str],
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
    language: str | None = None,
    message_id: str = "",
    reads: str | None = None,
) -> None:
    """Render the email (``render_templated``) and queue it through the outbox.

    Each recipient reads it in their own language, never in that of whoever's action sent
    it: recipients reading different languages get one email per language. ``language`` is
    for addresses of no known person (an invitation: the organisation's language); without
    it they get the site's.

    ``attachments`` are (file name, text content, MIME type): text, so they are kept as JSON.
    ``message_id`` (from ``shared.outbox.new_message_id``) is for one recipient only: a caller
    that records it before the email is queued can match a bounce to what it sent.
    ``reads`` is the language of a single recipient already found (``recipient_languages``).
    """
    if (message_id or reads is not None) and len(to) != 1:
        raise ValueError("A chosen Message-ID or language is for an email to one recipient")
    if reads is not None:
        groups = {reads: to}
    elif _recipient_languages is not None:
        groups = _recipient_languages(to)
    else:
        groups = {"": to}
    for group_reads, addresses in groups.items():
        with translation.override(group_reads or language or settings.LANGUAGE_CODE):
            email = render_templated(template=template, context=context)
        outbox_add(
            subject=email.subject,
            text=email.text,
            html=email.html,
            to=addresses,
            template=template,
            attachments=attachments,
            message_id=message_id,
        )

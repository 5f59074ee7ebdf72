"""The commitment as a PDF, for boards, noticeboards and award applications.

Built from the same parsed text as the page (``commitments.text``), through the template
``commitments/pdf/commitment.html``, which ``shared.pdf`` makes a tagged PDF as it does the
other documents.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from commitments.models import CommitmentVersion, VersionStatus
from commitments.text import inline_html, parse
from shared.dates import long_date
from shared.pdf import pdf_render


def _inline(text: str) -> SafeString:
    # inline_html escapes everything but **bold**, which becomes <strong>.
    return mark_safe(inline_html(text))


def _signature(version: CommitmentVersion) -> str:
    if version.signed_on is None:
        return _("Version %(number)s: a draft, not signed.") % {"number": version.number}
    line = _("Signed by %(name)s, %(role)s, on %(day)s.") % {
        "name": version.signed_by_name,
        "role": version.signed_by_role,
        "day": long_date(version.signed_on),
    }
    if version.status == VersionStatus.PUBLISHED and version.published_at is not None:
        line += " " + _("Published %(day)s.") % {"day": long_date(version.published_at)}
    elif version.status != VersionStatus.PUBLISHED:
        line += " " + _("Version %(number)s: %(status)s.") % {
            "number": version.number,
            "status": version.get_status_display().lower(),
        }
    return line


def commitment_pdf(version: CommitmentVersion) -> bytes:
    organisation = version.commitment.organisation
    blocks: list[dict[str, Any]] = [
        {
            "kind": block.kind,
            "level": min(max(block.level, 1), 3),
            "html": _inline(block.text),
            "items": [_inline(item) for item in block.items],
        }
        for block in parse(version.text)
    ]
    return pdf_render(
        "commitments/pdf/commitment.html",
        {"organisation": organisation, "blocks": blocks, "signature": _signature(version)},
        title=_("Leadership commitment of %(organisation)s") % {"organisation": organisation.name},
        author=organisation.name,
    )

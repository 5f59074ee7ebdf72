"""The commitment as a PDF, for boards, noticeboards and award applications.

Built from the same parsed text as the page (``commitments.text``), with reportlab and the
shared set-up (``shared.pdf``) as the other documents are.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from commitments.models import CommitmentVersion, VersionStatus
from commitments.text import inline_html, parse
from shared.dates import long_date
from shared.pdf import pdf_build, pdf_list, pdf_plain, pdf_styles

_HEADINGS = {1: "Heading1", 2: "Heading2", 3: "Heading3"}


def _inline(text: str) -> str:
    # The text is made printable first; the parser then escapes everything but **bold**,
    # which reportlab's paragraph markup knows as <b>.
    return inline_html(pdf_plain(text)).replace("<strong>", "<b>").replace("</strong>", "</b>")


def _signature(version: CommitmentVersion) -> str:
    if version.signed_on is None:
        return f"Version {version.number}: a draft, not signed."
    line = (
        f"Signed by {_inline(version.signed_by_name)}, {_inline(version.signed_by_role)}, "
        f"on {long_date(version.signed_on)}."
    )
    if version.status == VersionStatus.PUBLISHED and version.published_at is not None:
        line += f" Published {long_date(version.published_at)}."
    elif version.status != VersionStatus.PUBLISHED:
        line += f" Version {version.number}: {version.get_status_display().lower()}."
    return line


def commitment_pdf(version: CommitmentVersion) -> bytes:
    styles = pdf_styles()
    body = styles["BodyText"]
    organisation = version.commitment.organisation
    story: list[Any] = [
        Paragraph(_inline(organisation.name), styles["Heading3"]),
    ]
    for block in parse(version.text):
        if block.kind == "heading":
            story.append(Paragraph(_inline(block.text), styles[_HEADINGS[block.level]]))
        elif block.kind in {"numbered", "bulleted"}:
            story.append(
                pdf_list(
                    [Paragraph(_inline(item), body) for item in block.items],
                    numbered=block.kind == "numbered",
                    indent=6 * mm,
                )
            )
        else:
            story.append(Paragraph(_inline(block.text), body))
    story += [Spacer(1, 8 * mm), Paragraph(_signature(version), styles["Italic"])]
    return pdf_build(
        story,
        title=f"Leadership commitment of {organisation.name}",
        author=organisation.name,
    )

"""The starting text organisations adopt. Written for this project; adapt it freely."""

from __future__ import annotations

from pathlib import Path

from organisations.models import Organisation

TEMPLATE_PATH = Path(__file__).resolve().parent / "commitment_template.md"
PLACEHOLDER = "{organisation}"


def template_text() -> str:
    """The template as shipped, with its ``{organisation}`` placeholder."""
    return TEMPLATE_PATH.read_text(encoding="utf-8").strip() + "\n"


def template_for(*, organisation: Organisation) -> str:
    """The template with the organisation's name filled in, ready to become draft 1."""
    return template_text().replace(PLACEHOLDER, organisation.name)

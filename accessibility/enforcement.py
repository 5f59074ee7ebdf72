"""Who enforces the accessibility regulations, by nation.

Source: the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility
Regulations 2018 (SI 2018/952), Part 5, and the memorandum of understanding between the
Government Digital Service, the Equality and Human Rights Commission, the Equality Advisory
and Support Service and the Equality Commission for Northern Ireland (2019): in Great Britain
the EHRC enforces and EASS takes complaints; in Northern Ireland the ECNI does both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organisations.models import Nation

REGULATIONS_URL = "https://www.legislation.gov.uk/uksi/2018/952/contents/made"


@dataclass(frozen=True)
class Enforcement:
    """The body that enforces the regulations, and where an unhappy person turns."""

    body: Promise
    body_url: str
    complaints: Promise
    complaints_url: str


_GREAT_BRITAIN = Enforcement(
    body=_("the Equality and Human Rights Commission (EHRC)"),
    body_url="https://www.equalityhumanrights.com/",
    complaints=_("the Equality Advisory and Support Service (EASS)"),
    complaints_url="https://www.equalityadvisoryservice.com/",
)
_NORTHERN_IRELAND_BODY = _("the Equality Commission for Northern Ireland (ECNI)")
_NORTHERN_IRELAND = Enforcement(
    body=_NORTHERN_IRELAND_BODY,
    body_url="https://www.equalityni.org/",
    complaints=_NORTHERN_IRELAND_BODY,
    complaints_url="https://www.equalityni.org/",
)


def enforcement_for(nation: str) -> Enforcement:
    """England, Scotland and Wales share one enforcement body; Northern Ireland has its own."""
    if nation == Nation.NORTHERN_IRELAND:
        return _NORTHERN_IRELAND
    if nation in (Nation.ENGLAND, Nation.SCOTLAND, Nation.WALES):
        return _GREAT_BRITAIN
    raise ValueError(f"unknown nation {nation!r}")

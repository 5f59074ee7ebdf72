"""The privacy notice tells the truth about who sees what (docs/trust-rules.md, rule 3)."""

from __future__ import annotations

from django.urls import reverse


def test_the_privacy_notice_says_hr_sees_requests_by_name(client, db):
    page = client.get(reverse("privacy")).text
    # HR administers carer's leave and flexible working: "numbers, not people" was untrue.
    assert "HR teams see numbers, not people" not in page
    assert "see your requests with your name on them" in page
    assert "only if you choose to have it recorded on your staff record" in page
    assert "counts only people who agreed to be counted" in page

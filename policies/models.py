"""The organisation's policies for staff who are carers, in its own words, kept as versions.

Two kinds: the carers' policy itself, and carer's leave and flexible working said plainly.
``Policy`` holds the draft HR is writing; publishing copies it into a numbered
``PolicyVersion``, which never changes afterwards, so staff can read what applied when, and
benchmarks can point at a real, dated policy.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

#: Longest policy text, summary, link and note of what changed, in characters.
BODY_MAX = 30000
SUMMARY_MAX = 600
LINK_MAX = 500
CHANGES_MAX = 1000


class PolicyKind(models.TextChoices):
    CARERS = "carers", _("Carers' policy")
    LEAVE = "leave", _("Carer's leave and flexible working, in plain words")


class Policy(models.Model):
    """One kind of policy of an organisation, with the draft HR is writing."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PolicyKind.choices)
    summary = models.TextField(max_length=SUMMARY_MAX, blank=True)
    body = models.TextField(max_length=BODY_MAX, blank=True)
    #: The full document elsewhere (an intranet page): http or https only.
    link = models.URLField(max_length=LINK_MAX, blank=True)
    #: What changed since the published version, typed with the draft, used on publishing.
    changes = models.TextField(max_length=CHANGES_MAX, blank=True)
    #: Goes up with every save of the draft and every publication, so a save from an older
    #: copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="policies_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"Policy {self.pk}"


class PolicyVersion(models.Model):
    """A published version: kept as it was, for as long as the organisation is here."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    summary = models.TextField(max_length=SUMMARY_MAX)
    body = models.TextField(max_length=BODY_MAX)
    link = models.URLField(max_length=LINK_MAX, blank=True)
    #: Empty for the first version.
    changes = models.TextField(max_length=CHANGES_MAX, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policies_version_number")
        ]

    def __str__(self) -> str:
        return f"Policy version {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A published policy version is never changed: publish a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Published policy versions are kept as the organisation's history")

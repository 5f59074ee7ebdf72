"""The leadership commitment: an organisation's signed, published promise to working carers.

One ``LeadershipCommitment`` per organisation holds numbered ``CommitmentVersion`` rows.
A version is a draft while HR shapes it, becomes frozen once the executive sponsor signs
it, and may then be published (replacing any earlier published version) or withdrawn.
Every version is kept, so the history of what the organisation promised, and who signed
it, stays readable.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class LeadershipCommitment(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="leadership_commitment"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Leadership commitment of {self.organisation}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready for signature")
    SIGNED = "signed", _("Signed, not published")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer version")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Statuses in which the text may still change.
OPEN_STATUSES = frozenset({VersionStatus.DRAFT, VersionStatus.READY})

#: What a signature covers: none of it may change once the sponsor has signed.
FROZEN_FIELDS = (
    "commitment_id",
    "number",
    "text",
    "signed_by_id",
    "signed_by_name",
    "signed_by_role",
    "signed_on",
    "signed_at",
)


class CommitmentVersionImmutableError(Exception):
    """Raised on any attempt to change the text or signature of a signed version."""


class CommitmentVersion(models.Model):
    """One numbered version. Drafts change (``revision`` guards against lost edits);
    from signing on, the text and signature are fixed and only the publication state moves."""

    commitment = models.ForeignKey(
        LeadershipCommitment, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(_("commitment text"), max_length=20000)
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    #: Counts every change to the draft, so an edit made on an old copy is caught.
    revision = models.PositiveIntegerField(default=1)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    # The signatory's name and role are copied as typed: they are what the public reads,
    # and they stay true after the person's account or job changes.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_by_name = models.CharField(_("name"), max_length=200, blank=True)
    signed_by_role = models.CharField(_("job title"), max_length=200, blank=True)
    signed_on = models.DateField(_("date signed"), null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "number"], name="commitment_version_number_unique"
            ),
            # One draft at a time, and one published version at a time.
            models.UniqueConstraint(
                fields=["commitment"],
                condition=models.Q(status__in=["draft", "ready"]),
                name="commitment_one_open_draft",
            ),
            models.UniqueConstraint(
                fields=["commitment"],
                condition=models.Q(status="published"),
                name="commitment_one_published",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "ready"])
                | (
                    models.Q(signed_on__isnull=False, signed_at__isnull=False)
                    & ~models.Q(signed_by_name="")
                    & ~models.Q(signed_by_role="")
                ),
                name="commitment_signed_has_signatory",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "commitment"], name="commitment_version_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.commitment}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("status", *FROZEN_FIELDS).first()
            signed = stored is not None and stored["status"] not in OPEN_STATUSES
            if signed and any(stored[name] != getattr(self, name) for name in FROZEN_FIELDS):
                raise CommitmentVersionImmutableError(
                    "A signed commitment cannot be changed; start a new draft instead"
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise CommitmentVersionImmutableError(
            "Commitment versions are kept as the organisation's history"
        )


class PartnershipPage(models.Model):
    """How a partnership shows its page of signed commitments. Only its leads change it.

    Made public, a signed-out page lists the member organisations that published a
    commitment and the date each signed. Nothing else: not who signed, nor the words."""

    partnership = models.OneToOneField(
        "organisations.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    #: Whether anyone, without signing in, may read the signed commitments.
    public = models.BooleanField(default=False)
    #: Goes up with every change, so a change from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Commitments page of partnership {self.partnership_id}"

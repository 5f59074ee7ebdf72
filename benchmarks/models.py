"""Self-assessments against a benchmark framework, with their evidence.

An assessment is a draft until it is signed off; from then on it is a numbered, fixed
version: its answers, evidence and the live-evidence values it used are never changed
(the services refuse), and it keeps its own copy of the framework it was assessed
against, so a later change to the framework file does not move history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED_OFF = "signed_off", _("Signed off")


class AnswerStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class Assessment(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    framework_slug = models.CharField(max_length=60)
    #: 1, 2, 3… per organisation and framework: "version 2 of our Carer Positive assessment".
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_by_name = models.CharField(max_length=200)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    signed_off_role = models.CharField(max_length=200, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    #: The framework as it was when the assessment started, replaced at sign-off by the
    #: framework it was signed off against; a signed-off assessment is always read with it.
    framework_data = models.JSONField()
    framework_hash = models.CharField(max_length=64)
    #: Stored at sign-off for lists; a draft's level is computed from its answers.
    overall_level = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["framework_slug", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "framework_slug", "number"],
                name="assessment_number_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "framework_slug"],
                condition=models.Q(status="draft"),
                name="one_draft_assessment_per_framework",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-started_at"], name="assessment_org_started_idx")
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk} ({self.framework_slug} {self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


class RequirementAnswer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion_key = models.CharField(max_length=60)
    requirement_key = models.CharField(max_length=60)
    status = models.CharField(
        max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.NOT_MET
    )
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "requirement_key"], name="requirement_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement_key}: {self.status}"


class CriterionEvidence(models.Model):
    """What the organisation says for one criterion, and the version that catches clashes.

    ``version`` goes up with each save of the criterion (its answers, text and links), so
    two people editing the same criterion never silently overwrite each other.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    criterion_key = models.CharField(max_length=60)
    narrative = models.TextField(blank=True, max_length=10000)
    #: ``[{"url": "https://…", "title": "…"}]``
    links = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion_key"], name="criterion_evidence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Evidence for {self.criterion_key}"


class EvidenceFile(models.Model):
    """An uploaded document. Stored under a random name; ``label`` is only for display."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files")
    criterion_key = models.CharField(max_length=60)
    stored_name = models.CharField(max_length=200, unique=True)
    label = models.CharField(max_length=120)
    #: Found by reading the content, never taken from the browser.
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    is_carers_policy = models.BooleanField(_("this is our carers policy"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_by_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def download_name(self) -> str:
        return f"{self.label}.{self.extension}"


class MeasurementSnapshot(models.Model):
    """A live-evidence value as it stood when the assessment was signed off."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="measurements"
    )
    name = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    value = models.JSONField(null=True)
    display = models.CharField(max_length=300)
    detail = models.CharField(max_length=500, blank=True)
    measured_on = models.DateField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "name"], name="measurement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.display}"

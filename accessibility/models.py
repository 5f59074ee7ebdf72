"""The deployment's accessibility statement: one row, written in the Django admin.

The organisation that runs a deployment is the one the accessibility regulations hold to
account, so it, not the product, says how accessible its service is and whom to contact.
Free text has an optional Welsh version, shown on pages read in Welsh.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Nation


class Compliance(models.TextChoices):
    """The three statuses the model statement allows, against WCAG 2.2 level AA."""

    FULL = "full", _("Fully compliant")
    PARTIAL = "partial", _("Partially compliant")
    NOT = "not", _("Not compliant")


class AccessibilityStatement(models.Model):
    # Always 1, so a second statement cannot be made even by two admins saving at once.
    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    service_name = models.CharField(
        max_length=120,
        default="Working Carers Hub",
        help_text="The name people know this service by, as in the statement's title.",
    )
    service_name_cy = models.CharField(max_length=120, blank=True)
    operator_name = models.CharField(
        max_length=200, help_text="The organisation that runs this deployment."
    )
    operator_name_cy = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(
        help_text="Where people ask for another format or report a problem."
    )
    contact_phone = models.CharField(max_length=40, blank=True)
    response_days = models.PositiveSmallIntegerField(
        default=5, help_text="How many working days you take to answer."
    )
    nation = models.CharField(
        max_length=20,
        choices=Nation.choices,
        help_text="Where the organisation is; it decides the enforcement body named.",
    )
    compliance = models.CharField(max_length=10, choices=Compliance.choices)
    improvements = models.TextField(
        blank=True, help_text="What you are doing to fix the problems listed, and by when."
    )
    improvements_cy = models.TextField(blank=True)
    prepared_on = models.DateField(help_text="When this statement was first prepared.")
    reviewed_on = models.DateField(null=True, blank=True, help_text="When it was last reviewed.")
    tested_on = models.DateField(help_text="When the service was last tested.")
    tested_by = models.CharField(
        max_length=200, help_text="Who tested it, for example an outside auditor or your own team."
    )
    tested_by_cy = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=1), name="a11y_statement_one_row"),
            models.CheckConstraint(
                condition=models.Q(reviewed_on__isnull=True)
                | models.Q(reviewed_on__gte=models.F("prepared_on")),
                name="a11y_statement_reviewed_after_prepared",
            ),
        ]

    def __str__(self) -> str:
        return f"Accessibility statement for {self.service_name}"


class KnownProblem(models.Model):
    """One part of the service that does not meet the standard, in the order listed."""

    statement = models.ForeignKey(
        AccessibilityStatement, on_delete=models.CASCADE, related_name="problems"
    )
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(help_text="What fails, and how it affects people.")
    description_cy = models.TextField(blank=True)
    criterion = models.CharField(
        max_length=120,
        blank=True,
        help_text="The WCAG success criterion it fails, for example “1.4.3 Contrast (Minimum)”.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.criterion or self.description[:60]

"""A month's figures for one organisation, taken once and kept (docs/insight.md).

The exact counts are kept so that a partnership can add up its members' months and a trend
can be drawn; they are never shown as they are. Taking the figures once a month means every
report in that month is the same report, so two taken on different days cannot be set side
by side to single out one person's change.
"""

from __future__ import annotations

from django.db import models

from organisations.models import Organisation


class Snapshot(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="insight_snapshots"
    )
    #: The first day of the month the figures stand for.
    month = models.DateField()
    taken_at = models.DateTimeField()
    #: The exact counts, as ``insights.counts.gather`` made them, but for the units.
    counts = models.JSONField()
    #: The exact counts by unit, kept apart: a partnership's figures and a trend never
    #: read them, and they are the bulk of a large organisation's month.
    units = models.JSONField(default=list)
    #: Which figures the protection hides this month (``insights.disclosure.Memo``): worked
    #: out once, when the month is taken, since the attacker it runs is slow.
    suppression = models.JSONField(default=dict)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="insight_snapshot_one_a_month"
            ),
        ]
        indexes = [models.Index(fields=["month"], name="insight_snapshot_month_idx")]

    def __str__(self) -> str:
        return f"Figures for {self.month:%B %Y}"

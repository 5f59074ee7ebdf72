"""Action plans: a person's own plan, and the organisation's carers' strategy plan.

A **personal plan** follows the shape of the Open University course's activity 5.1: a
long-term goal, one row per criterion (what I will do, where I will get help, when) and
the first step. It belongs to its owner alone, who may show it to named colleagues.

An **organisational plan** follows the shape of a council's carers' strategy action plan:
priorities with aims, numbered action points with what the organisation will do, the
risks, an owner and a due date, and progress written per period (a year, say) with a
red, amber or green status. Progress entries are only ever added, so the history stays.

Criteria are stored as a reference (``"<framework slug>:<criterion key>"``) and a copy of
the title, so a plan still reads correctly after a framework file changes or goes away.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

#: Where the selectors prefetch a personal plan's open shares (``Prefetch(to_attr=...)``).
OPEN_SHARES = "prefetched_open_shares"


class PersonalPlan(models.Model):
    """One person's action plan in one organisation; private to them (see ``plans.rules``)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="personal_plans"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_plans"
    )
    title = models.CharField(_("name of the plan"), max_length=200)
    goal = models.TextField(_("my long-term goal"), max_length=2000, blank=True)
    first_step = models.TextField(
        _("the first step I am going to take"), max_length=1000, blank=True
    )
    first_step_on = models.DateField(_("when I will take the first step"), null=True, blank=True)
    first_step_reminder_sent_for = models.DateField(null=True, blank=True, editable=False)
    #: Goes up with every save, so an edit made from an older copy is caught (trust rule 8).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["organisation", "owner"], name="personal_plan_owner_idx")]

    def __str__(self) -> str:
        return f"Personal plan {self.pk}"

    @property
    def open_shares(self) -> list[PersonalPlanShare]:
        """The shares in force. The selectors prefetch them into ``OPEN_SHARES``; a plan
        fetched any other way asks the database here."""
        prefetched: list[PersonalPlanShare] | None = self.__dict__.get(OPEN_SHARES)
        if prefetched is not None:
            return prefetched
        return list(self.shares.filter(ended_at__isnull=True).select_related("with_user"))


class PersonalPlanRow(models.Model):
    """One line of the plan: usually one per criterion of a benchmark."""

    plan = models.ForeignKey(PersonalPlan, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(default=0)
    #: ``"<framework slug>:<criterion key>"``, or empty for a criterion written in free text.
    criterion_ref = models.CharField(max_length=200, blank=True)
    criterion_title = models.CharField(_("criterion"), max_length=300, blank=True)
    action = models.TextField(_("what I am going to do"), max_length=2000)
    help_from = models.TextField(
        _("where I will go for help or advice"), max_length=1000, blank=True
    )
    due_on = models.DateField(_("when I will do it"), null=True, blank=True)
    due_note = models.CharField(_("when, in your own words"), max_length=200, blank=True)
    done = models.BooleanField(_("done"), default=False)
    reminder_sent_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=models.Q(done=False), name="personal_row_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Personal plan row {self.pk}"


class PersonalPlanShare(models.Model):
    """The owner's choice to let one named colleague read the plan; ended, never deleted."""

    plan = models.ForeignKey(PersonalPlan, on_delete=models.CASCADE, related_name="shares")
    with_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans_shared_with_me"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shared_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "with_user"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_personal_plan_share",
            )
        ]

    def __str__(self) -> str:
        return f"Personal plan share {self.pk}"


class OrgPlan(models.Model):
    """An organisation's strategy action plan over a period, reported on per sub-period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="org_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("start"))
    period_end = models.DateField(_("end"))
    #: The progress columns in order, such as ``["2026/27", "2027/28"]``.
    periods = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="org_plan_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Priority(models.Model):
    """A strategic priority with its aim, such as "Information and communication"."""

    plan = models.ForeignKey(OrgPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    aim = models.TextField(_("aim"), max_length=2000, blank=True)
    #: Set when the priority stands for a benchmark criterion (see ``org_plan_add_gaps``).
    criterion_ref = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActionPoint(models.Model):
    """A numbered action point under a priority, with one owner and a due date."""

    plan = models.ForeignKey(OrgPlan, on_delete=models.CASCADE, related_name="actions")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    number = models.CharField(_("action point number"), max_length=30, blank=True)
    planned_action = models.TextField(_("planned action"), max_length=2000)
    what_we_will_do = models.TextField(_("what we will do"), max_length=4000, blank=True)
    risks = models.TextField(_("risks"), max_length=2000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    criterion_ref = models.CharField(max_length=200, blank=True)
    criterion_title = models.CharField(_("criterion"), max_length=300, blank=True)
    #: ``"<framework slug>:<criterion key>:<requirement key>"`` for actions made from a gap.
    requirement_ref = models.CharField(max_length=300, blank=True)
    #: The self-assessment the action came from (``benchmarks``): an id rather than a foreign
    #: key, so neither app's tables depend on the other's; the services check it is one of
    #: the organisation's own.
    source_assessment_id = models.PositiveBigIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    reminder_sent_for = models.DateField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["plan", "requirement_ref"], name="action_requirement_idx"),
            models.Index(
                fields=["due_on"],
                condition=models.Q(status="open"),
                name="open_action_due_idx",
            ),
            models.Index(fields=["owner", "status"], name="action_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.planned_action[:60]}".strip()


class Rag(models.TextChoices):
    RED = "red", _("Red: off track")
    AMBER = "amber", _("Amber: at risk")
    GREEN = "green", _("Green: on track")


class ProgressEntry(models.Model):
    """What happened on an action in one period. Added, never edited: the history stays."""

    action = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="progress")
    period = models.CharField(_("period"), max_length=40)
    text = models.TextField(_("progress"), max_length=4000)
    rag = models.CharField(_("status"), max_length=5, choices=Rag.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "progress entries"

    def __str__(self) -> str:
        return f"Progress {self.pk} on action {self.action_id}"


class PlanCalendarFeed(models.Model):
    """A private link to one person's plan dates in one organisation, for a calendar app.

    Calendar apps cannot sign in, so the link carries a secret; only its hash is kept, and
    making a new link stops the old one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_calendar_feeds"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The day the link was last read: only a day's first read is audited.
    last_read_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_plan_feed_per_user_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"Plan calendar feed {self.pk}"

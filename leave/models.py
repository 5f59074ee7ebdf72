"""Carer's leave requests and decisions, and each organisation's leave policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leave import statutory
from organisations.models import Organisation, StaffRecord, StaffStatus


class LeavePolicy(models.Model):
    """What an organisation gives beyond the statutory minimum; it can never give less."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="leave_policy"
    )
    extra_days = models.DecimalField(
        _("extra carer's leave days a year"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
        help_text=_("Added to the statutory week. In Northern Ireland, the whole allowance."),
    )
    paid_days = models.DecimalField(
        _("paid carer's leave days a year"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice needed, in days"),
        null=True,
        blank=True,
        help_text=_(
            "Leave blank for the statutory notice. You may ask for less notice, never more."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Leave policy of {self.organisation}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the line manager")
    ACCEPTED = "accepted", _("Agreed")
    POSTPONED = "postponed", _("Moved to new dates")
    CANCELLED = "cancelled", _("Cancelled")


class CarersLeaveRequest(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        StaffRecord, on_delete=models.CASCADE, related_name="carers_leave_requests"
    )
    notice_given_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    note = models.CharField(
        _("anything your line manager should know (optional)"), max_length=500, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: When anything payroll reads last changed (status, days): HR and payroll systems fetch
    #: what changed since their last run (``leave.payroll``). Services that save with
    #: ``update_fields`` name it too. The database default serves rows inserted by a release
    #: from before the column, still running during the deploy (docs/deploy.md).
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    version = models.PositiveIntegerField(default=1)
    #: The first day of leave last reminded to whoever decides, and the last reminder stage
    #: sent for it (days before), so each goes once (``leave.reminders``).
    reminder_sent_for = models.DateField(null=True, blank=True, editable=False)
    reminder_stage = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    #: A manager's decision the employee has not opened yet: it waits on their home page until
    #: they open the request (``leave.services.decision_read``).
    decision_unread = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="carers_leave_org_status_idx"),
            models.Index(
                fields=["organisation", "updated_at", "id"], name="carers_leave_org_updated_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Carer's leave request {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (
            RequestStatus.REQUESTED,
            RequestStatus.ACCEPTED,
            RequestStatus.POSTPONED,
        )


class DayPart(models.TextChoices):
    FULL = "full", _("Full day")
    MORNING = "am", _("Morning")
    AFTERNOON = "pm", _("Afternoon")


class CarersLeaveDay(models.Model):
    request = models.ForeignKey(CarersLeaveRequest, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    part = models.CharField(max_length=4, choices=DayPart.choices, default=DayPart.FULL)

    class Meta:
        ordering = ["day", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "day", "part"], name="carers_leave_day_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} ({self.get_part_display()})"

    @property
    def amount(self) -> Decimal:
        return Decimal("1") if self.part == DayPart.FULL else Decimal("0.5")


class DecisionKind(models.TextChoices):
    ACCEPTED = "accepted", _("Agreed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled by the employee")


class LeaveDecision(models.Model):
    """Who decided what and when: the full history of a request, never edited."""

    request = models.ForeignKey(
        CarersLeaveRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    #: Set when a deputy decided while the line manager was away.
    acting_for = models.ForeignKey(
        StaffRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous_days = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d}"


class DependantsTimeOff(models.Model):
    """Emergency time off for dependants (ERA 1996 s.57A): recorded, never approved."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        StaffRecord, on_delete=models.CASCADE, related_name="dependants_time_off"
    )
    first_day = models.DateField(_("first day off"))
    days = models.DecimalField(
        _("how long, in working days"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("30"))],
    )
    note = models.CharField(
        _("note (optional)"),
        max_length=300,
        blank=True,
        help_text=_("For example “childminder ill”. Please do not include health details."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["-first_day", "-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "updated_at", "id"], name="dependants_org_updated_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Time off for dependants from {self.first_day}"


class FlexibleStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CHANGES = "approved_changes", _("Approved with changes")
    REFUSED = "refused", _("Refused")
    APPEALED = "appealed", _("Appealed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FlexibleWorkingRequest(models.Model):
    """A statutory request to change when, where or how long someone works."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        StaffRecord, on_delete=models.CASCADE, related_name="flexible_working_requests"
    )
    received_on = models.DateField()
    change_requested = models.TextField(_("the change you would like"), max_length=3000)
    start_from = models.DateField(_("when you would like it to start"))
    status = models.CharField(
        max_length=20, choices=FlexibleStatus.choices, default=FlexibleStatus.SUBMITTED
    )
    #: The decision (with any appeal) is due by this date unless the employee agrees more time.
    decision_due = models.DateField()
    extension_agreed_to = models.DateField(null=True, blank=True)
    agreed_change = models.TextField(blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    refusal_explanation = models.TextField(blank=True)
    trial_until = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_acting_for = models.ForeignKey(
        StaffRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appeal_reason = models.TextField(blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The deadline last reminded, and the last reminder stage sent for it (days before), so
    #: each goes once and a moved deadline is reminded afresh (``leave.reminders``).
    reminder_sent_for = models.DateField(null=True, blank=True, editable=False)
    reminder_stage = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    #: A decision (first or on appeal) the employee has not opened yet, as on carer's leave.
    decision_unread = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-received_on"], name="flexible_org_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Flexible working request {self.pk}"

    @property
    def deadline(self) -> date:
        return self.extension_agreed_to or self.decision_due

    @property
    def waiting(self) -> bool:
        """Waiting for a first decision or for the decision on an appeal."""
        return self.status in (FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED)

    def decision_period_ended_on(self, today: date) -> bool:
        """Still waiting although the decision period, with any extension, has ended: the
        request is concluded for the one-at-a-time rule but may still be decided late."""
        return self.waiting and statutory.flexible_working_decision_period_ended(
            deadline=self.deadline, today=today
        )

    @property
    def decision_period_ended(self) -> bool:
        return self.decision_period_ended_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        """The status as people read it: a request whose decision period ended without a
        decision says so, rather than that it is still waiting."""
        if self.decision_period_ended:
            if self.status == FlexibleStatus.APPEALED:
                return str(_("Appealed: decision period ended without a decision"))
            return str(_("Decision period ended without a decision"))
        # The member's label, not get_status_display(): that hashes every choice, translating
        # each, once a row on a list (bench/README.md).
        return str(FlexibleStatus(self.status).label)


class DecisionStage(models.TextChoices):
    FIRST = "first", _("Decision")
    APPEAL = "appeal", _("Appeal decision")


class FlexibleDecision(models.Model):
    """Every decision on a flexible-working request, first and on appeal, never edited.

    The request's own decision fields hold the latest one, for quick reading; this table
    keeps them all, so an appeal does not erase the decision it overturned or upheld.
    """

    request = models.ForeignKey(
        FlexibleWorkingRequest, on_delete=models.CASCADE, related_name="decisions"
    )
    stage = models.CharField(max_length=10, choices=DecisionStage.choices)
    outcome = models.CharField(max_length=20, choices=FlexibleStatus.choices)
    agreed_change = models.TextField(blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    refusal_explanation = models.TextField(blank=True)
    trial_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acting_for = models.ForeignKey(
        StaffRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    #: Rebuilt from the audit log for decisions made before this table existed: only the
    #: outcome, who and when are known.
    reconstructed = models.BooleanField(default=False)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_outcome_display()}"


class Consultation(models.Model):
    """A meeting to discuss a flexible-working request; one must come before any refusal."""

    request = models.ForeignKey(
        FlexibleWorkingRequest, on_delete=models.CASCADE, related_name="consultations"
    )
    held_on = models.DateField(_("date of the conversation"))
    notes = models.TextField(_("what was discussed"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "created_at"]

    def __str__(self) -> str:
        return f"Consultation on {self.held_on}"


class CalendarFeed(models.Model):
    """A private link to someone's own leave for their calendar app.

    Calendar apps cannot sign in, so the link carries a secret; only its hash is kept,
    and making a new link stops the old one.
    """

    staff = models.OneToOneField(
        StaffRecord, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The day the link was last read: only a day's first read is audited.
    last_read_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.staff}"


class DeputyQuerySet(models.QuerySet["Deputy"]):
    def in_force(self, on: date) -> DeputyQuerySet:
        """Appointments whose dates include ``on``, not ended early, between two people still
        in post: an appointment ends the moment either of them is marked as left, however
        that happens (trust rule 10)."""
        return self.filter(
            from_date__lte=on,
            to_date__gte=on,
            ended_at__isnull=True,
            manager__status=StaffStatus.ACTIVE,
            deputy__status=StaffStatus.ACTIVE,
        )


class Deputy(models.Model):
    """Someone who decides a manager's leave requests while the manager is away."""

    manager = models.ForeignKey(StaffRecord, on_delete=models.CASCADE, related_name="deputies")
    deputy = models.ForeignKey(StaffRecord, on_delete=models.CASCADE, related_name="deputising_for")
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Set when the manager ends the appointment before its end date; it stops at once.
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        ordering = ["-from_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_date__gte=models.F("from_date")), name="deputy_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("deputy")), name="deputy_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} for {self.manager} {self.from_date} to {self.to_date}"

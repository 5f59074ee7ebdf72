"""Tenancy: partnerships hold organisations; organisations hold units, staff and members.

Every piece of tenant data hangs off an ``Organisation`` so that queries can always be
scoped by it (docs/trust-rules.md, rule 6).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations import working_pattern
from shared.schema import PatternOps


class Nation(models.TextChoices):
    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


class Sector(models.TextChoices):
    NHS = "nhs", _("NHS and health")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    PUBLIC = "public", _("Other public sector")
    PRIVATE = "private", _("Private sector")
    VOLUNTARY = "voluntary", _("Voluntary and community sector")


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Fewer than 10 staff")
    SMALL = "small", _("10 to 49 staff")
    MEDIUM = "medium", _("50 to 249 staff")
    LARGE = "large", _("250 staff or more")


class Partnership(models.Model):
    """An umbrella such as an integrated care system or a council's employer scheme."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        verbose_name=_("partnership"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    nation = models.CharField(_("nation"), max_length=20, choices=Nation.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices)
    #: Whether staff normally work bank holidays (rostered services such as NHS wards);
    #: a staff record can say otherwise for one person.
    staff_work_bank_holidays = models.BooleanField(
        _("staff normally work bank holidays"),
        default=False,
        db_default=False,
        help_text=_(
            "Tick if most staff work bank holidays as part of their rota. Each staff record can "
            "still say otherwise for that person."
        ),
    )
    #: The language of pages, emails and documents for staff who have not chosen their own,
    #: and of invitations (organisations.languages). A Welsh public body may set Welsh.
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en-gb",
        db_default="en-gb",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A department, ward, directorate or site; units form a tree within one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("unit code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="unit_code_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BankHolidayWork(models.TextChoices):
    """Whether someone works bank holidays: as their organisation says, or yes or no."""

    ORGANISATION_DEFAULT = "default", _("As the organisation's default")
    YES = "yes", _("Yes, bank holidays are working days for them")
    NO = "no", _("No, bank holidays are days off")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", _("In post")
    LEFT = "left", _("Left")


class StaffRecord(models.Model):
    """One person's employment in one organisation, as the HR system knows it.

    The line manager is another staff record: managing someone is a fact of the
    staff record, never a role somebody is granted.
    """

    # No index of its own: every staff index starts with the organisation, and one more
    # index to keep up costs every import (docs/staff-import.md).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_records", db_index=False
    )
    staff_number = models.CharField(_("staff number"), max_length=40)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    work_email = models.EmailField(_("work email"), blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff_records"
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("line manager"),
    )
    days_per_week = models.DecimalField(
        _("contracted days a week"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("7"))],
    )
    hours_per_week = models.DecimalField(
        _("contracted hours a week"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("37.50"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("100"))],
    )
    #: ISO weekday digits ("12345" is Monday to Friday); empty for an irregular pattern.
    working_days = models.CharField(
        _("working days"),
        max_length=7,
        blank=True,
        default=working_pattern.MONDAY_TO_FRIDAY,
        validators=[working_pattern.validate_working_days],
    )
    works_bank_holidays = models.CharField(
        _("works bank holidays"),
        max_length=7,
        choices=BankHolidayWork.choices,
        default=BankHolidayWork.ORGANISATION_DEFAULT,
        # Also in the database, so rows written by SQL (the import, the bench) need not say.
        db_default=BankHolidayWork.ORGANISATION_DEFAULT,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StaffStatus.choices, default=StaffStatus.ACTIVE
    )
    left_on = models.DateField(_("date left"), null=True, blank=True)
    # No index of its own: one_staff_record_per_user_per_org leads with the user and serves
    # every lookup by user (a partial index still answers ``user_id = X``).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_records",
        db_index=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "staff_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "staff_number"], name="staff_number_unique_in_org"
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(user__isnull=False),
                name="one_staff_record_per_user_per_org",
            ),
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")), name="staff_not_own_manager"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "last_name", "first_name"], name="staff_org_name_idx"
            ),
            models.Index(fields=["organisation", "status"], name="staff_org_status_idx"),
            models.Index(Lower("work_email"), "organisation", name="staff_email_idx"),
            # The staff search matches the start of a name without regard to case
            # (``istartswith``: ``UPPER(name) LIKE 'X%'``), within one organisation.
            models.Index(
                models.F("organisation"),
                PatternOps(Upper("first_name")),
                name="staff_search_first_idx",
            ),
            models.Index(
                models.F("organisation"),
                PatternOps(Upper("last_name")),
                name="staff_search_last_idx",
            ),
            # ...or a whole staff number, without regard to case (``iexact``).
            models.Index(
                models.F("organisation"), Upper("staff_number"), name="staff_search_number_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def irregular_pattern(self) -> bool:
        """No fixed working days: any day may be a working day."""
        return self.working_days == working_pattern.IRREGULAR

    @property
    def working_days_display(self) -> str:
        return working_pattern.describe(self.working_days)

    @property
    def bank_holidays_worked(self) -> bool:
        """Whether bank holidays are working days for this person: their own setting, or
        else their organisation's default (reads the organisation)."""
        return working_pattern.works_bank_holidays(
            self.works_bank_holidays,
            organisation_default=self.organisation.staff_work_bank_holidays,
        )


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    HR_ADMIN = "hr_admin", _("HR admin")
    CHAMPION = "champion", _("Carer champion")
    SPONSOR = "sponsor", _("Executive sponsor")
    ORG_ADMIN = "org_admin", _("Organisation admin")


#: The roles that act as HR: an HR admin, and an organisation admin, who may do all HR does.
HR_ROLES = frozenset({Role.HR_ADMIN, Role.ORG_ADMIN})
#: Roles whose holders must use multi-factor authentication: those who see everyone's records.
MFA_ROLES = HR_ROLES


class MembershipQuerySet(models.QuerySet["Membership"]):
    def with_power(self) -> MembershipQuerySet:
        """Roles that still carry power: someone marked as left in an organisation holds none
        there, whatever memberships remain (trust rule 10). Read at query time, so it holds
        from the moment the staff record changes, however it was changed (page, API, import),
        and a corrected import that brings the person back restores their roles."""
        left = StaffRecord.objects.filter(
            organisation_id=models.OuterRef("organisation_id"),
            user_id=models.OuterRef("user_id"),
            status=StaffStatus.LEFT,
        )
        return self.exclude(models.Exists(left))

    def acting_as_hr(self) -> MembershipQuerySet:
        """Memberships in one of ``HR_ROLES``: whom to tell or ask when HR must act."""
        return self.filter(role__in=HR_ROLES)


class Membership(models.Model):
    """A user's role in an organisation; one row per role held.

    Read roles through ``with_power()`` (or ``organisations.selectors.roles_in``): a person
    who has left keeps their rows, for the record, but none of their power.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class PartnershipLead(models.Model):
    """Someone entitled to a partnership's aggregates and forum, never to people's records."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_leads"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="leads")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="partnership_lead_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — lead of {self.partnership}"


class StaffImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Waiting to be imported")
    RUNNING = "running", _("Importing")
    APPLIED = "applied", _("Imported")
    REJECTED = "rejected", _("Had errors, nothing imported")
    FAILED = "failed", _("Failed, nothing imported")
    DISCARDED = "discarded", _("Discarded")


def _import_path(instance: StaffImport, filename: str) -> str:
    return f"staff-imports/{instance.organisation_id}/{timezone.now():%Y%m%d%H%M%S}-{secrets.token_hex(8)}.csv"


class StaffImport(models.Model):
    """An uploaded staff file between preview and confirmation.

    The file is kept only until it is imported or discarded (and a daily job removes
    stale ones), because it holds personal data.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: Who chose to import it: the changes are audited as theirs, even when a task applies them.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=_import_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=200)
    mark_missing_as_left = models.BooleanField(default=False)
    #: How many people HR confirmed to mark as left, and that they went above the limit
    #: knowingly (docs/staff-import.md); applying writes nothing if the number has changed.
    left_confirmed = models.PositiveIntegerField(null=True, blank=True)
    left_forced = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=StaffImportStatus.choices, default=StaffImportStatus.PREVIEWED
    )
    counts = models.JSONField(default=dict)
    #: The first rows to add and update, with their changes, shown before confirming.
    preview = models.JSONField(default=dict, blank=True)
    #: A file the check refused: ``{"count": N, "listed": [{line, column, message}, ...]}``.
    #: A large file is checked by a background task, so its status page lists the first
    #: problems; they quote the file, so housekeeping empties the list after a day.
    problems = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When a background task began applying it (large files; see docs/staff-import.md).
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: The heartbeat name of the task worker checking or applying the file (empty before one
    #: takes it): if that worker stops beating, the work is queued again
    #: (``services.staff_imports_take_over``).
    worker = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in {StaffImportStatus.QUEUED, StaffImportStatus.RUNNING}


class InvitationBatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Sending")
    FINISHED = "finished", _("Finished")
    STOPPED = "stopped", _("Stopped")


class InvitationBatchStop(models.TextChoices):
    BY_HR = "hr", _("It was stopped. The invitations already sent stay valid.")
    POWER_LOST = (
        "power_lost",
        _("It stopped because whoever started it may no longer invite people."),
    )
    UNIT_DELETED = "unit_deleted", _("It stopped because its unit has been deleted.")
    ERROR = (
        "error",
        _(
            "It stopped because of an error. Continue it to try again; if it stops again, tell "
            "whoever runs this service."
        ),
    )


class InvitationBatch(models.Model):
    """Inviting everyone in post in a unit, or in the whole organisation, in the background.

    The staff records are worked through in order of id, a few hundred at a time, each step
    committed with the id it reached (``cursor``) and its counts: a batch stopped part-way (a
    worker killed, or HR pressing Stop) goes on from there, and nobody is invited twice.
    See ``organisations.bulk_invitations``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitation_batches"
    )
    #: This unit and every unit under it; ``None`` for the whole organisation (or a unit
    #: deleted since, which stops the batch).
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    whole_organisation = models.BooleanField(default=False)
    #: Kept so the status page can still name a unit deleted since.
    scope_label = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=InvitationBatchStatus.choices, default=InvitationBatchStatus.QUEUED
    )
    #: Why a batch stopped before the end (empty unless it did).
    stopped_reason = models.CharField(
        max_length=20, choices=InvitationBatchStop.choices, blank=True, default=""
    )
    #: In post in scope when the batch was started: the progress bar's whole.
    total = models.PositiveIntegerField(default=0)
    #: The highest staff record id dealt with so far.
    cursor = models.BigIntegerField(default=0)
    examined = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    already_joined = models.PositiveIntegerField(default=0)
    already_invited = models.PositiveIntegerField(default=0)
    no_email = models.PositiveIntegerField(default=0)
    #: A second staff record with an address already invited in this batch.
    shared_email = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    #: When a step last committed: a running batch with no step for longer than the worker
    #: heartbeat timeout has lost its worker and is queued again.
    stepped_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: The heartbeat name of the worker sending it (shared/heartbeat.py).
    worker = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One at a time per organisation: two batches at once could both invite someone.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_invitation_batch_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitations to {self.scope_label}"

    @property
    def in_progress(self) -> bool:
        return self.status in {InvitationBatchStatus.QUEUED, InvitationBatchStatus.RUNNING}

    @property
    def percent(self) -> int:
        if self.status == InvitationBatchStatus.FINISHED or not self.total:
            return 100 if self.status == InvitationBatchStatus.FINISHED else 0
        return min(99, self.examined * 100 // self.total)


class Invitation(models.Model):
    """An HR admin's invitation for someone to join an organisation.

    The link carries a random token; only its hash is stored. The table began in accounts
    and keeps its name there (``Meta.app_label``): its migrations, its content type and the
    audit entries naming ``accounts.invitation`` stay as they were, while the code lives
    with the organisation it invites to, so accounts need not know organisations' roles.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    staff_record = models.ForeignKey(
        StaffRecord,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The bulk invitation that sent it, if any.
    batch = models.ForeignKey(
        InvitationBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        # Found through invitation_batch_bounced_idx, which holds only the few that bounced.
        db_index=False,
    )
    #: The Message-ID of its email, by which a bounce finds it.
    message_id = models.CharField(max_length=200, blank=True, default="", db_default="")
    #: When its email was refused or came back undelivered.
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "accounts"
        ordering = ["-created_at"]
        indexes = [
            # Is this address already invited here? (bulk invitations ask for hundreds at once)
            models.Index(fields=["organisation", "email"], name="invitation_org_email_idx"),
            models.Index(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="invitation_message_idx",
            ),
            models.Index(
                fields=["batch"],
                condition=models.Q(bounced_at__isnull=False),
                name="invitation_batch_bounced_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"


class SignOn(models.Model):
    """An organisation's own OpenID Connect provider for single sign-on (ADR 0020).

    The provider's address, client id and secret live in django-allauth's ``SocialApp``, which
    allauth's sign-in views read; this row ties one such app to one organisation and holds what
    is ours: the email domains that find it from the sign-in page, and whether its staff must
    use it. Change it through ``organisations.sign_on.services`` only, which audits it.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sign_on"
    )
    app = models.OneToOneField(
        "socialaccount.SocialApp", on_delete=models.CASCADE, related_name="organisation_sign_on"
    )
    #: Lower-case domains, each with a space either side (`` nhs.net example.org ``), so that a
    #: domain is found by one ``contains`` without matching a part of another.
    email_domains = models.CharField(_("email domains"), max_length=600, blank=True, default="")
    required = models.BooleanField(_("staff must sign in with it"), default=False)
    #: Moves on at every change, so two people editing at once never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Single sign-on for {self.organisation}"

    @property
    def domains(self) -> list[str]:
        return self.email_domains.split()

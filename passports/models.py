"""A carer's declaration and their Working Carer's Passport.

Everything here belongs to the carer (docs/trust-rules.md, rule 1). Nobody else reads
it unless the carer shares the passport with their current line manager; HR sees counts
and, only with consent, the fact that someone is a carer. Deleting the declaration
removes every row in this app for that person (cascade); the audit log keeps only that
a deletion happened.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import StaffRecord

#: Where the selectors prefetch a passport's open share (``Prefetch(to_attr=...)``).
OPEN_SHARES = "prefetched_open_shares"


class Relationship(models.TextChoices):
    PARENT = "parent", _("A parent or parent-in-law")
    PARTNER = "partner", _("A husband, wife or partner")
    CHILD = "child", _("A son or daughter (including adult children)")
    SIBLING = "sibling", _("A brother or sister")
    GRANDPARENT = "grandparent", _("A grandparent")
    OTHER_RELATIVE = "other_relative", _("Another relative")
    FRIEND = "friend", _("A friend or neighbour")
    SEVERAL = "several", _("More than one person")
    OTHER = "other", _("Someone else")


class NeedKind(models.TextChoices):
    DISABILITY = "disability", _("Disability")
    ILLNESS = "illness", _("Long-term illness")
    MENTAL_HEALTH = "mental_health", _("Mental ill-health")
    ADDICTION = "addiction", _("Addiction")
    OLDER_AGE = "older_age", _("Frailty or older age")
    CHILD_NEEDS = "child_needs", _("A child with additional needs")
    OTHER = "other", _("Something else")


class HoursBand(models.TextChoices):
    UNDER_5 = "under_5", _("Under 5 hours a week")
    FROM_5 = "5_9", _("5 to 9 hours a week")
    FROM_10 = "10_19", _("10 to 19 hours a week")
    FROM_20 = "20_34", _("20 to 34 hours a week")
    FROM_35 = "35_49", _("35 to 49 hours a week")
    FROM_50 = "50_plus", _("50 hours a week or more")


class CarerDeclaration(models.Model):
    """ "I am a carer": the coarse, optional facts and the consent choices.

    Coarse categories only (trust rule 9): the person cared for has not signed up to
    anything, so we never ask for a diagnosis or a name.
    """

    staff = models.OneToOneField(
        StaffRecord, on_delete=models.CASCADE, related_name="carer_declaration"
    )
    relationship = models.CharField(
        _("who you care for"), max_length=20, choices=Relationship.choices, blank=True
    )
    need_kinds = models.JSONField(_("the kind of need"), default=list, blank=True)
    hours_band = models.CharField(
        _("hours of care a week"), max_length=10, choices=HoursBand.choices, blank=True
    )
    record_on_staff_record = models.BooleanField(
        _("record that I am a carer on my staff record"), default=False
    )
    # Consent to use special-category data, even in a count: never assumed, only ticked.
    include_in_counts = models.BooleanField(_("include me in anonymised counts"), default=False)
    declared_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Carer declaration {self.pk}"

    def need_kind_labels(self) -> list[str]:
        labels = dict(NeedKind.choices)
        return [str(labels[kind]) for kind in self.need_kinds if kind in labels]


class Passport(models.Model):
    """The living draft. Agreed versions are frozen copies in ``AgreedVersion``.

    ``version`` counts every change to what would be agreed (the sections, the
    adjustments and the review date), so an edit made on an old copy is caught and
    shown rather than overwriting someone else's change (trust rule 8).
    """

    staff = models.OneToOneField(StaffRecord, on_delete=models.CASCADE, related_name="passport")
    about_caring = models.TextField(_("about my caring role"), blank=True, max_length=4000)
    plan_b_contacts = models.TextField(
        _("who to contact in an emergency"), blank=True, max_length=2000
    )
    plan_b_at_work = models.TextField(
        _("what should happen at work if I have to leave at once"), blank=True, max_length=2000
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Sign-off of the current draft: each records the draft version the person signed.
    carer_signed_version = models.PositiveIntegerField(null=True, blank=True)
    carer_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_version = models.PositiveIntegerField(null=True, blank=True)
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        StaffRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_reminder_sent_for = models.DateField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Passport {self.pk}"

    @property
    def open_share(self) -> PassportShare | None:
        """The share in force, if any.

        The selectors prefetch it into ``OPEN_SHARES`` so a team's list costs no query per
        passport; a passport fetched any other way asks the database here.
        """
        prefetched: list[PassportShare] | None = self.__dict__.get(OPEN_SHARES)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.shares.filter(ended_at__isnull=True).select_related("with_staff").first()


class AdjustmentKind(models.TextChoices):
    FLEXIBLE_HOURS = "flexible_hours", _("Flexible start and finish times")
    COMPRESSED_HOURS = "compressed_hours", _("Compressed hours")
    HOME_WORKING = "home_working", _("Working from home")
    PHONE_ACCESS = "phone_access", _("Access to a phone at work")
    SHORT_NOTICE_LEAVE = "short_notice_leave", _("Leave at short notice")
    APPOINTMENTS = "appointments", _("Time for appointments")
    PREDICTABLE_ROTA = "predictable_rota", _("A predictable rota")
    QUIET_SPACE = "quiet_space", _("A quiet space for calls")
    PARKING = "parking", _("Parking near the exit")
    OTHER = "other", _("Something else")


class AdjustmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")
    ENDED = "ended", _("Ended")


class Adjustment(models.Model):
    """One thing that helps: picked from the catalogue, with its own status and review date."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("adjustment"), max_length=30, choices=AdjustmentKind.choices)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.REQUESTED,
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    proposed_by_manager = models.BooleanField(default=False)
    #: Where a carried-over adjustment was agreed before ("Agreed at … on …"), if anywhere.
    carried_from = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Adjustment {self.pk}"


class Conversation(models.Model):
    """A note of a conversation between carer and manager. Notes are added, never edited."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="conversations")
    held_on = models.DateField(_("date of the conversation"))
    notes = models.TextField(_("what you talked about and agreed"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class PassportRevision(models.Model):
    """What each change did, so a clash can show exactly what the other person changed."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["passport", "version"], name="passport_revision_unique")
        ]

    def __str__(self) -> str:
        return f"Passport {self.passport_id} revision {self.version}"


class ShareEndReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("The carer stopped sharing")
    MANAGER_CHANGED = "manager_changed", _("The line manager changed")
    #: A staff import marked the carer, or the person it was shared with, as left. A later
    #: import that puts them back may share it again (``shares_restore_after_import``).
    LEFT_BY_IMPORT = "left_by_import", _("A staff import marked one of them as left")


class PassportShare(models.Model):
    """The carer's explicit choice to let one named person read the passport (rule 2).

    Access also needs that person to still be the carer's line manager, so a change of
    manager cuts access at once even before this row is closed.
    """

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="shares")
    with_staff = models.ForeignKey(StaffRecord, on_delete=models.CASCADE, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=20, choices=ShareEndReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["passport"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_share_per_passport",
            )
        ]
        indexes = [
            models.Index(
                fields=["with_staff"],
                condition=models.Q(ended_at__isnull=True),
                name="open_share_by_manager",
            )
        ]

    def __str__(self) -> str:
        return f"Share {self.pk}"


class AgreedVersionImmutableError(Exception):
    """Raised on any attempt to change an agreed version."""


class AgreedVersion(models.Model):
    """A numbered, frozen copy of what carer and manager both signed."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="agreed_versions")
    number = models.PositiveIntegerField()
    # The draft version both people signed, so the page can say the draft is unchanged.
    draft_version = models.PositiveIntegerField()
    agreed_at = models.DateTimeField()
    carer_signed_at = models.DateTimeField()
    manager_signed_at = models.DateTimeField()
    manager_name = models.CharField(max_length=200)
    content = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["passport", "number"], name="agreed_version_unique")
        ]

    def __str__(self) -> str:
        return f"Agreed version {self.number} of passport {self.passport_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AgreedVersionImmutableError("An agreed version cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AgreedVersionImmutableError(
            "Agreed versions go only when the carer deletes the whole passport"
        )

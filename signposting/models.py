"""The support directory: where a working carer can turn for help, kept by the people whose
job it is, with the areas and topics each place covers.

An ``Entry`` belongs to exactly one organisation (its own offers, local services its HR team
or champions know) or one partnership (kept by the partnership's leads for every member
organisation). Its areas, topics and the kinds of caring need it suits are rows of their own,
so a search by area or topic is an indexed lookup, not a scan of text.

An ``AccessCode`` unlocks a digital resource for the staff of one organisation or of every
organisation in one partnership. Who may see it is worked out on every request from the
organisation's current partnership, so leaving the partnership ends it at once.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, Partnership


class Kind(models.TextChoices):
    NATIONAL = "national", _("National organisation")
    LOCAL_CENTRE = "local_centre", _("Local carers' centre")
    DIGITAL = "digital", _("Digital resource")
    GUIDE = "guide", _("Guide")
    OWN_OFFER = "own_offer", _("Our own offer")


class Topic(models.TextChoices):
    MONEY = "money", _("Money and benefits")
    BREAKS = "breaks", _("Breaks and respite")
    WELLBEING = "wellbeing", _("Mental health and wellbeing")
    WORK = "work", _("Work and caring")
    RIGHTS = "rights", _("Legal matters and rights")
    YOUNG_ADULT = "young_adult", _("Young adult carers")
    PARENT = "parent", _("Parent carers")
    END_OF_LIFE = "end_of_life", _("End of life")
    HOME_HELP = "home_help", _("Practical help at home")
    PEER = "peer", _("Peer support")


class AreaKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    POSTCODE_DISTRICT = "postcode_district", _("Postcode district")


NAME_MAX = 200
WHO_FOR_MAX = 1000
HOW_TO_GET_MAX = 2000
WEBSITE_MAX = 500
CODE_MAX = 200
NOTES_MAX = 500
#: The days from one check to the next when an entry was made with a check-by date on or
#: before the day it was added, which says nothing about how often to check it.
DEFAULT_REVIEW_DAYS = 180


class Entry(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_entries",
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_entries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    #: The name folded for comparison (case and spacing), so one owner lists a place once.
    #: Case folding can lengthen a name ("ß" becomes "ss"), so the key has room for that.
    name_key = models.CharField(max_length=NAME_MAX * 3)
    who_for = models.TextField(_("who it is for"), max_length=WHO_FOR_MAX)
    how_to_get = models.TextField(_("how to get it"), max_length=HOW_TO_GET_MAX)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), max_length=WEBSITE_MAX, blank=True)
    covers_everywhere = models.BooleanField(_("available everywhere in the UK"), default=False)
    review_by = models.DateField(_("check again by"))
    #: Days from one check to the next: the check-by date less the day the entry was made,
    #: fixed then, so "Still right" moves the date on by what the keeper first chose.
    review_days = models.PositiveIntegerField(default=DEFAULT_REVIEW_DAYS)
    #: The last day a keeper confirmed the entry is still right without changing it. Not a
    #: change to what it says: neither ``version`` nor ``updated_at`` moves.
    reviewed_on = models.DateField(null=True, blank=True)
    #: Counts every change, so an edit made on an old copy of the page is caught.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, partnership__isnull=True)
                | models.Q(organisation__isnull=True, partnership__isnull=False),
                name="signposting_entry_one_owner",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name_key"],
                condition=models.Q(organisation__isnull=False),
                name="signposting_entry_unique_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["partnership", "name_key"],
                condition=models.Q(partnership__isnull=False),
                name="signposting_entry_unique_in_partnership",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def last_checked(self) -> date:
        """The later of the last change and the last "Still right", for readers to judge
        how fresh the entry is."""
        changed = timezone.localdate(self.updated_at)
        return max(changed, self.reviewed_on) if self.reviewed_on else changed


class EntryArea(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    #: Upper case, single spaces: "SW1A", "LEEDS".
    value = models.CharField(max_length=100)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "value"], name="signposting_area_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="signposting_area_lookup")]

    def __str__(self) -> str:
        return self.value


class EntryTopic(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(max_length=20, choices=Topic.choices)

    class Meta:
        ordering = ["topic"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "topic"], name="signposting_topic_unique"),
        ]
        indexes = [models.Index(fields=["topic", "entry"], name="signposting_topic_lookup")]

    def __str__(self) -> str:
        return self.get_topic_display()


class EntryNeed(models.Model):
    """A kind of caring need the entry suits, in the passport's words (``passports.public``)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=20)

    class Meta:
        ordering = ["need"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "need"], name="signposting_need_unique"),
        ]
        indexes = [models.Index(fields=["need", "entry"], name="signposting_need_lookup")]

    def __str__(self) -> str:
        return self.need


class AccessCode(models.Model):
    """A code that unlocks a digital resource, for one organisation's staff or for every
    organisation in one partnership, from ``valid_from`` to ``valid_until`` inclusive."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=CODE_MAX)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, partnership__isnull=True)
                | models.Q(organisation__isnull=True, partnership__isnull=False),
                name="signposting_code_one_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="signposting_code_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        # Never the code itself: a string of the object may end up in a log.
        return f"Access code {self.pk}"

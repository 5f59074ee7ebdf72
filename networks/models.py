"""A staff carer network: run by the organisation's carer champions, joined by choice.

Membership is private (docs/networks.md): members see the network's meetings; only champions
see who the members are; HR, line managers and the sponsor never do, and membership is never
written on a staff record. Leaving the network deletes the membership row, so nothing about
the person stays behind.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

#: Longest description of a network and longest agenda or notes of a meeting, in characters.
ABOUT_MAX = 4000
AGENDA_MAX = 4000
NOTES_MAX = 8000


class Network(models.Model):
    """The organisation's staff carer network (one per organisation)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    #: What the network is, who it is for and how it works, shown to everyone here.
    about = models.TextField(max_length=ABOUT_MAX)
    #: The partnership the network is open to: the staff of its other organisations without a
    #: network of their own use it (read live: an organisation that leaves the partnership is
    #: out at once). It holds only while the organisation is still in that partnership, so a
    #: move to another partnership never shares it there unasked. The organisation's
    #: champions still run it. One per partnership (the constraint below).
    shared_with = models.ForeignKey(
        "organisations.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shared_with"], name="networks_one_shared_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"Network {self.pk}"

    @property
    def shared(self) -> bool:
        """Shared with the partnership the organisation is in now."""
        return (
            self.shared_with_id is not None
            and self.shared_with_id == self.organisation.partnership_id
        )


class NetworkMember(models.Model):
    """Someone who chose to join. Only champions ever read these rows as a list."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="networks_one_membership")
        ]

    def __str__(self) -> str:
        return f"Network member {self.pk}"


class MeetingKind(models.TextChoices):
    COFFEE = "coffee", _("A short coffee and chat")
    ONLINE = "online", _("An online call")
    IN_PERSON = "in_person", _("A meeting in person")
    TEAM_ITEM = "team_item", _("An item on another meeting's agenda")


class Meeting(models.Model):
    """A get-together of the network, of any size or kind."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    #: Where, for a meeting in a room; the joining link, for a call (http or https only).
    place = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=500, blank=True)
    agenda = models.TextField(max_length=AGENDA_MAX, blank=True)
    #: Written afterwards by a champion; members read them.
    notes = models.TextField(max_length=NOTES_MAX, blank=True)
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)
    #: When a champion called it off: members were told, and it is no longer reminded.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    #: The start the reminder went out for (``shared.reminders``): a moved meeting is
    #: reminded again.
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["network", "starts_at"], name="networks_meetings_by_time")]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"


#: Longest announcement, in characters.
ANNOUNCEMENT_MAX = 4000


class Announcement(models.Model):
    """News from the champions to the network's members: shown on the network's page to
    members and emailed to each of them."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=ANNOUNCEMENT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["network", "-created_at"], name="networks_news_latest")]

    def __str__(self) -> str:
        return f"Announcement {self.pk}"


#: Longest question and longest answer in the question box, in characters.
QUESTION_MAX = 2000
ANSWER_MAX = 4000


class Question(models.Model):
    """A question put anonymously to the champions, answered for every member to read.

    Nothing here says who asked: no person, no time of day, no form token, no audit entry
    (docs/networks.md). The day alone is kept, to show how long a question has waited; there
    is deliberately no ``updated_at``, which would record the minute it was asked.
    """

    #: Random, not counting up: a counter would tell a champion who asked one question
    #: which others came before or after theirs.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=QUESTION_MAX)
    asked_on = models.DateField()
    answer = models.TextField(max_length=ANSWER_MAX, blank=True)
    #: When it was first answered, and so published to the members.
    answered_at = models.DateTimeField(null=True, blank=True)
    #: Goes up with every save, so a save from an older copy (another tab) is caught.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["network", "answered_at"], name="networks_questions_answered")
        ]

    def __str__(self) -> str:
        return f"Question {self.pk}"


class ChampionContact(models.Model):
    """A champion's consent to be listed as someone to talk to, on the carer pages.

    Only a champion writes their own row; it lists them only while they are a champion in
    post (read live), so a champion who steps down or leaves drops off at once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: How to reach them: a phone extension, where they sit, when they are in.
    how_to_reach = models.CharField(max_length=300, blank=True)
    show_email = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="networks_one_contact_listing"
            )
        ]

    def __str__(self) -> str:
        return f"Champion contact {self.pk}"

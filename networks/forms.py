"""Forms of the staff carer network. The rules are the services' (``networks.services``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.models import (
    ABOUT_MAX,
    AGENDA_MAX,
    ANNOUNCEMENT_MAX,
    ANSWER_MAX,
    NOTES_MAX,
    QUESTION_MAX,
    ChampionContact,
    Meeting,
    MeetingKind,
)
from networks.services import (
    MINUTES_MAX,
    MINUTES_MIN,
    AnnouncementDetails,
    ContactDetails,
    MeetingDetails,
)
from shared.forms import GovukForm, OnceForm, PageVersion, date_field


class NetworkForm(GovukForm):
    submit_label = _("Start the network")

    name = forms.CharField(
        label=_("Name of the network"),
        help_text=_("For example “Carers network” or “Balancing work and caring”."),
        max_length=100,
    )
    about = forms.CharField(
        label=_("About the network"),
        help_text=_(
            "Who it is for, what happens at meetings, and that joining is private: only the "
            "champions see who belongs. Everyone here can read this."
        ),
        max_length=ABOUT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class NetworkStartForm(OnceForm, NetworkForm):
    """Starting the network: sent twice, it starts one."""


class NetworkEditForm(PageVersion, NetworkForm):
    submit_label = _("Save")
    redo = _("make your change")


class NetworkShareForm(PageVersion, GovukForm):
    submit_label = _("Save")
    redo = _("make your change")

    shared = forms.TypedChoiceField(
        label=_("Open the network to the partnership's other organisations"),
        error_messages={"required": _("Say whether to share the network")},
        help_text=_(
            "Staff of every organisation in the partnership without a network of its own can "
            "then join, come to meetings and use the question box. You, the champions here, "
            "still run it and see who belongs, including people from other organisations."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class MeetingForm(GovukForm):
    submit_label = _("Arrange the meeting")

    title = forms.CharField(
        label=_("Title"), help_text=_("For example “Coffee and a chat”."), max_length=100
    )
    kind = forms.ChoiceField(
        label=_("Kind of meeting"), choices=MeetingKind.choices, widget=forms.RadioSelect
    )
    day = date_field(_("Day"), required=True)
    time = forms.TimeField(
        label=_("Start time"),
        help_text=_("In 24-hour time, for example 12:30"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    minutes = forms.IntegerField(
        label=_("How long, in minutes"),
        min_value=MINUTES_MIN,
        max_value=MINUTES_MAX,
        initial=30,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    place = forms.CharField(
        label=_("Where (optional if there is a link)"),
        help_text=_("A room and building, or the meeting whose agenda it joins."),
        max_length=200,
        required=False,
    )
    link = forms.CharField(
        label=_("Link to join (optional)"),
        help_text=_("For a call: the address starting https://"),
        max_length=500,
        required=False,
    )
    agenda = forms.CharField(
        label=_("Agenda (optional)"),
        max_length=AGENDA_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def starts_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["day"], data["time"]))

    def details(self, *, notes: str = "") -> MeetingDetails:
        data = self.cleaned_data
        return MeetingDetails(
            title=data["title"],
            kind=data["kind"],
            starts_at=self.starts_at(),
            minutes=data["minutes"],
            place=data["place"],
            link=data["link"],
            agenda=data["agenda"],
            notes=notes,
        )


class MeetingNewForm(OnceForm, MeetingForm):
    """Arranging a meeting: sent twice, it arranges one."""


class MeetingEditForm(PageVersion, MeetingForm):
    submit_label = _("Save")
    redo = _("make your change")

    notes = forms.CharField(
        label=_("Notes (optional)"),
        help_text=_("What was talked about and agreed, for members to read afterwards."),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        local = timezone.localtime(meeting.starts_at)
        return {
            "version": meeting.version,
            "title": meeting.title,
            "kind": meeting.kind,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "minutes": meeting.minutes,
            "place": meeting.place,
            "link": meeting.link,
            "agenda": meeting.agenda,
            "notes": meeting.notes,
        }


class AnnouncementForm(OnceForm, GovukForm):
    """News for the members: sent twice, it is posted once."""

    submit_label = _("Post and email the members")

    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("The news"),
        help_text=_(
            "Each member is emailed it. Do not name anyone or say anything about their family."
        ),
        max_length=ANNOUNCEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def details(self) -> AnnouncementDetails:
        return AnnouncementDetails(title=self.cleaned_data["title"], body=self.cleaned_data["body"])


class QuestionAskForm(GovukForm):
    """A question for the champions. Deliberately not a ``OnceForm``: its one-time token is
    recorded with the person who sent it, which would say who asked. The service adds a
    resent copy once instead."""

    submit_label = _("Send the question")

    text = forms.CharField(
        label=_("Your question"),
        error_messages={"required": _("Enter your question")},
        help_text=_(
            "Nobody, not even the champions, can see who asked. Leave out names and details "
            "that would tell them: the answer is shown to every member."
        ),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class QuestionAnswerForm(PageVersion, GovukForm):
    submit_label = _("Publish to the members")
    redo = _("answer it")

    text = forms.CharField(
        label=_("The question, as members will read it"),
        error_messages={"required": _("Enter the question as members will read it")},
        help_text=_(
            "Reword it if anything in it could tell people who asked, or who they care for."
        ),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    answer = forms.CharField(
        label=_("Your answer"),
        error_messages={"required": _("Enter the answer")},
        help_text=_("Every member of the network can read it, without a name on it."),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ContactForm(PageVersion, GovukForm):
    submit_label = _("Save")
    redo = _("make your change")

    listed = forms.TypedChoiceField(
        label=_("List me as a carer champion staff can contact"),
        error_messages={"required": _("Say whether to list you as a contact")},
        help_text=_(
            "Your name is shown on the network's page and on staff's carer pages, for as long "
            "as you are a carer champion here."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    how_to_reach = forms.CharField(
        label=_("How staff can reach you (optional)"),
        help_text=_("For example your phone extension, where you work, or which days you are in."),
        max_length=300,
        required=False,
    )
    show_email = forms.TypedChoiceField(
        label=_("Show your work email address"),
        error_messages={"required": _("Say whether to show your work email address")},
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    @staticmethod
    def initial_for(contact: ChampionContact | None) -> dict[str, Any]:
        if contact is None:
            return {"version": 0, "listed": "no", "how_to_reach": "", "show_email": "no"}
        return {
            "version": contact.version,
            "listed": "yes",
            "how_to_reach": contact.how_to_reach,
            "show_email": "yes" if contact.show_email else "no",
        }

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            listed=data["listed"], how_to_reach=data["how_to_reach"], show_email=data["show_email"]
        )

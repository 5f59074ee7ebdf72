"""Forms of the partnership's forum. The rules are the services' (``forum.services``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models import (
    CASE_STUDY_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    PLACE_MAX,
    POST_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    CaseStudy,
    Event,
)
from forum.services import CaseStudyDetails, EventDetails
from shared.forms import GovukForm, OnceForm, PageVersion, date_field


class CaseStudyForm(GovukForm):
    submit_label = _("Publish to the partnership")

    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX, error_messages={"required": _("Enter a title")}
    )
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("A sentence or two that says what you did and what changed."),
        max_length=SUMMARY_MAX,
        error_messages={"required": _("Enter a short summary")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("The case study"),
        help_text=_(
            "What you tried, how it went and what you would tell another employer. Plain "
            "text: leave a blank line between paragraphs. Do not name staff or say anything "
            "about anyone's family."
        ),
        max_length=CASE_STUDY_MAX,
        error_messages={"required": _("Enter the case study")},
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    anonymous = forms.BooleanField(
        label=_("Share it anonymously"),
        help_text=_(
            "Readers then see “A member organisation” instead of your organisation's name, "
            "and not your name."
        ),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree to share this with the partnership's member organisations"),
        required=False,
    )

    def details(self) -> CaseStudyDetails:
        data = self.cleaned_data
        return CaseStudyDetails(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            anonymous=data["anonymous"],
            consent=data["consent"],
        )


class CaseStudyNewForm(OnceForm, CaseStudyForm):
    """Publishing: sent twice, it publishes one."""


class CaseStudyEditForm(PageVersion, CaseStudyForm):
    submit_label = _("Save")
    redo = _("make your change")

    @staticmethod
    def initial_for(case_study: CaseStudy) -> dict[str, Any]:
        return {
            "version": case_study.version,
            "title": case_study.title,
            "summary": case_study.summary,
            "body": case_study.body,
            "anonymous": case_study.anonymous,
            "consent": True,
        }


class ThreadForm(OnceForm, GovukForm):
    """Starting a thread: sent twice, it starts one."""

    submit_label = _("Start the thread")

    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX, error_messages={"required": _("Enter a title")}
    )
    body = forms.CharField(
        label=_("What you want to say or ask"),
        help_text=_("Do not name staff or say anything about anyone's family."),
        max_length=POST_MAX,
        error_messages={"required": _("Enter what you want to say")},
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ReplyForm(OnceForm, GovukForm):
    """A reply: sent twice, it is posted once."""

    submit_label = _("Post your reply")

    body = forms.CharField(
        label=_("Your reply"),
        max_length=POST_MAX,
        error_messages={"required": _("Enter your reply")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EventForm(GovukForm):
    submit_label = _("Add the event")

    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX, error_messages={"required": _("Enter a title")}
    )
    day = date_field(_("Day"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].error_messages["required"] = _("Enter the day of the event")

    time = forms.TimeField(
        label=_("Start time"),
        help_text=_("In 24-hour time, for example 12:30"),
        input_formats=["%H:%M", "%H.%M"],
        error_messages={
            "required": _("Enter the start time"),
            "invalid": _("Enter the start time in 24-hour time, for example 12:30"),
        },
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    place = forms.CharField(
        label=_("Where (optional if there is a link)"),
        help_text=_("A room and building."),
        max_length=PLACE_MAX,
        required=False,
    )
    link = forms.CharField(
        label=_("Link to join or book (optional)"),
        help_text=_("The address starting https://"),
        max_length=LINK_MAX,
        required=False,
    )
    description = forms.CharField(
        label=_("What it is about"),
        max_length=DESCRIPTION_MAX,
        error_messages={"required": _("Enter what the event is about")},
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def starts_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["day"], data["time"]))

    def details(self) -> EventDetails:
        data = self.cleaned_data
        return EventDetails(
            title=data["title"],
            starts_at=self.starts_at(),
            place=data["place"],
            link=data["link"],
            description=data["description"],
        )


class EventNewForm(OnceForm, EventForm):
    """Adding an event: sent twice, it adds one."""


class EventEditForm(PageVersion, EventForm):
    submit_label = _("Save")
    redo = _("make your change")

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        local = timezone.localtime(event.starts_at)
        return {
            "version": event.version,
            "title": event.title,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "place": event.place,
            "link": event.link,
            "description": event.description,
        }

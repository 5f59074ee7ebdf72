"""The quiz form, one field per question asked, built from the attempt's stored questions,
the reflection form for one Core Principle, and HR's form for the organisation's own text of
a lesson.

The quiz form carries no hint of which options are right; scoring is
``learning.services.attempt_submit``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from learning.content import Question
from learning.models import FIRST_STEP_MAX, LESSON_TEXT_MAX, NOTES_MAX
from shared.forms import GovukForm, PlainForm


def field_name(question: Question) -> str:
    return f"q_{question.id}"


class QuizForm(PlainForm):
    """Answers to ``questions``; the template writes GOV.UK radios and checkboxes by hand."""

    attempt = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(option.id, option.text) for option in question.options]
            field: forms.Field
            if question.kind == "multiple":
                field = forms.MultipleChoiceField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={
                        "required": _("Select at least one answer to “%(prompt)s”")
                        % {"prompt": question.prompt}
                    },
                )
            else:
                field = forms.ChoiceField(
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Select an answer to “%(prompt)s”")
                        % {"prompt": question.prompt}
                    },
                )
            field.label = question.prompt
            self.fields[field_name(question)] = field

    def answers(self) -> dict[str, list[str]]:
        """Question id to the option ids chosen, from the cleaned data."""
        out: dict[str, list[str]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value:
                out[question.id] = list(value) if isinstance(value, list) else [value]
        return out

    def rows(self) -> list[tuple[Question, forms.BoundField, list[str]]]:
        """Each question beside its field and what was chosen, for the template."""
        return [(q, self[field_name(q)], self.chosen(q)) for q in self.questions]

    def chosen(self, question: Question) -> list[str]:
        """What the learner picked for ``question``, kept when the form comes back with errors."""
        if not self.is_bound:
            return []
        value = self.data.getlist(self.add_prefix(field_name(question)))  # type: ignore[attr-defined]
        return [str(v) for v in value]


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class BadgeShareForm(GovukForm):
    """What the public page of one badge shows: the holder's choice, off until they choose."""

    submit_label = _("Save")
    shared = forms.ChoiceField(
        label=_("Let anyone with the link check this badge"),
        help_text=_(
            "The page shows the badge, who issued it, when and whether it is still valid. "
            "If you say no, the link shows nothing."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    show_name = forms.ChoiceField(
        label=_("Show your name on that page"),
        help_text=_("Your name is never inside the badge file itself."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    def choice(self) -> tuple[bool, bool]:
        return self.cleaned_data["shared"] == "yes", self.cleaned_data["show_name"] == "yes"


#: A badge file is a few kilobytes; anything far larger is not one.
MAX_BADGE_FILE_BYTES = 64 * 1024


class BadgeCheckForm(GovukForm):
    """A badge to check, as the downloaded file or its text pasted in."""

    submit_label = _("Check the badge")
    file = forms.FileField(
        label=_("Upload the badge file"),
        help_text=_("The file the holder downloaded, ending in .jws"),
        required=False,
    )
    token = forms.CharField(
        label=_("Or paste the badge"),
        help_text=_("It is one long line of letters, numbers and full stops."),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        required=False,
        max_length=MAX_BADGE_FILE_BYTES,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BADGE_FILE_BYTES:
                self.add_error(
                    "file", _("The file is larger than any badge. Check it is the right file.")
                )
                return data
            try:
                data["token"] = upload.read().decode("utf-8").strip()
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not a badge. Check it is the right file."))
                return data
        if not data.get("token"):
            self.add_error("file", _("Upload the badge file or paste the badge"))
        return data


class PageVersion(PlainForm):
    """The version of a record the page was opened at (0: none yet), so a save from an older
    copy (another tab) is caught by the service. The field is hidden: when it is missing or
    wrong the form says so at the top, not beside it."""

    #: The edit the page is for, ending the sentence "Open the page again and … there."
    redo: Any = ""
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "version" in self.errors:
            self.errors.pop("version")
            raise forms.ValidationError(
                _(
                    "We could not tell which copy of this page you started from, so nothing "
                    "has been saved. Open the page again and %(redo)s there."
                )
                % {"redo": self.redo}
            )
        return cleaned


class ReflectionForm(PageVersion, GovukForm):
    """My notes and the first step I will take, on one principle. The length rule is the
    service's (``learning.reflection.too_long``), so a page and any other caller say the same."""

    submit_label = _("Save my reflection")

    notes = forms.CharField(
        label=_("My notes"),
        help_text=_(
            "Only you can read these. Write about your own practice and ideas; leave out "
            "colleagues' names and anyone's health. Up to %(max)s characters."
        )
        % {"max": NOTES_MAX},
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    first_step = forms.CharField(
        label=_("The first step I will take"),
        help_text=_(
            "One small, practical thing you will do soon, such as “Ask my team how they "
            "would like to hear about support for carers”. Up to %(max)s characters."
        )
        % {"max": FIRST_STEP_MAX},
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    redo = _("write your reflection")


class LessonTextForm(PageVersion):
    """The organisation's own text for one lesson, written by hand in the template for its two
    buttons (Preview and Publish). What may be published is the service's rule
    (``learning.authoring.lesson_text_problems``), so a preview and a publish say the same."""

    markdown = forms.CharField(
        label=_("Lesson text"),
        help_text=_(
            "Write in Markdown, as the standard lessons are. Start sections with ##, not a "
            "single #. Up to %(max)s characters."
        )
        % {"max": f"{LESSON_TEXT_MAX:,}"},
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    redo = _("make your change")

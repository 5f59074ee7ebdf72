"""The quiz form, one field per question asked, built from the attempt's stored questions,
the reflection form for one Core Principle, and HR's form for the organisation's own text of
a lesson.

The quiz form carries no hint of which options are right; scoring is
``learning.services.attempt_submit``.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from learning.content import Question
from learning.models import FIRST_STEP_MAX, LESSON_TEXT_MAX, NOTES_MAX
from learning.own_modules import (
    FEEDBACK_MAX,
    MAX_OPTIONS,
    OPTION_MAX,
    PROMPT_MAX,
    REASON_MAX,
    SCENARIO_MAX,
    Details,
    LessonDraft,
    OptionDraft,
    QuestionDraft,
)
from shared.forms import GovukForm, OnceForm, PageVersion, PlainForm


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


# --- An organisation's own modules -------------------------------------------------------------

AUDIENCES = [
    ("everyone", _("Everyone")),
    ("managers", _("Line managers")),
    ("leaders", _("Leaders: HR, directors and the executive sponsor")),
]


class OwnModuleForm(GovukForm):
    """A new module's details. The rules are the service's (``learning.own_modules``)."""

    submit_label = _("Add the module")

    title = forms.CharField(label=_("Title"), max_length=100)
    summary = forms.CharField(
        label=_("What the module is about"),
        help_text=_("One or two sentences, shown in the list of modules and on the badge."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(
        label=_("Who the module is for"),
        help_text=_("It is recommended to them first. Anyone here can still take it."),
        choices=AUDIENCES,
        widget=forms.RadioSelect,
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark, in per cent"),
        help_text=_("The share of a quiz's questions a learner must answer correctly."),
        min_value=1,
        max_value=100,
        initial=80,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )
    questions_per_attempt = forms.IntegerField(
        label=_("Questions in each attempt"),
        help_text=_(
            "Drawn from the module's questions. Write more questions than this, so a retry "
            "asks different ones."
        ),
        min_value=1,
        max_value=30,
        initial=5,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            title=data["title"],
            summary=data["summary"],
            audience=data["audience"],
            pass_mark=data["pass_mark"],
            questions_per_attempt=data["questions_per_attempt"],
        )


class OwnModuleNewForm(OnceForm, OwnModuleForm):
    """Adding a module: sent twice, it adds one."""


class OwnModuleDetailsForm(PageVersion, OwnModuleForm):
    submit_label = _("Save")
    prevent_double_click = False
    redo = _("make your change")


class OwnLessonForm(PageVersion):
    """One lesson of an organisation's own module, written by hand in the template for its two
    buttons (Preview and Save)."""

    title = forms.CharField(label=_("Lesson title"), max_length=100)
    minutes = forms.IntegerField(
        label=_("Minutes to read"),
        help_text=_("Lessons stay under ten minutes: split a longer one in two."),
        min_value=1,
        max_value=9,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-2"}),
    )
    markdown = forms.CharField(
        label=_("Lesson text"),
        help_text=_(
            "Write in Markdown. Start sections with ##, not a single #. Up to %(max)s characters."
        )
        % {"max": f"{LESSON_TEXT_MAX:,}"},
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    redo = _("make your change")

    def lesson(self) -> LessonDraft:
        data = self.cleaned_data
        return LessonDraft(title=data["title"], minutes=data["minutes"], markdown=data["markdown"])


QUESTION_KINDS = [
    ("single", _("One answer is right (the learner chooses one)")),
    ("multiple", _("Several answers may be right (the learner chooses every right one)")),
]


class OwnQuestionForm(PageVersion, GovukForm):
    """One question of an organisation's own module, with up to six answers; rows left blank
    are dropped. What makes a question answerable is the service's rule
    (``learning.own_modules.question_problems``)."""

    submit_label = _("Save the question")
    redo = _("make your change")

    kind = forms.ChoiceField(
        label=_("Kind of question"), choices=QUESTION_KINDS, widget=forms.RadioSelect
    )
    scenario = forms.CharField(
        label=_("Situation (optional)"),
        help_text=_("A short situation the learner reads before the question."),
        max_length=SCENARIO_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prompt = forms.CharField(
        label=_("Question"),
        help_text=_(
            "For example “Which is the least appropriate response?”: asking for the worst "
            "answer makes learners weigh every option."
        ),
        max_length=PROMPT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout: list[Any] = [Field("version"), Field.radios("kind"), "scenario", "prompt"]
        for number in range(1, MAX_OPTIONS + 1):
            self.fields[f"option_{number}_text"] = forms.CharField(
                label=_("Text of answer %(n)s") % {"n": number},
                max_length=OPTION_MAX,
                required=False,
            )
            self.fields[f"option_{number}_correct"] = forms.BooleanField(
                label=_("Answer %(n)s is right") % {"n": number}, required=False
            )
            self.fields[f"option_{number}_feedback"] = forms.CharField(
                label=_("Feedback on answer %(n)s") % {"n": number},
                help_text=_("Why this answer is right or not, shown after the quiz."),
                max_length=FEEDBACK_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            layout.append(
                Fieldset(
                    f"option_{number}_text",
                    f"option_{number}_correct",
                    f"option_{number}_feedback",
                    legend=(_("Answer %(n)s") if number <= 2 else _("Answer %(n)s (optional)"))
                    % {"n": number},
                    legend_size=Size.SMALL,
                )
            )
        self.helper.layout = Layout(*layout)

    @staticmethod
    def initial_for(question: dict[str, Any], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": version,
            "kind": question["kind"],
            "scenario": question["scenario"],
            "prompt": question["prompt"],
        }
        for number, option in enumerate(question["options"], start=1):
            initial[f"option_{number}_text"] = option["text"]
            initial[f"option_{number}_correct"] = option["correct"]
            initial[f"option_{number}_feedback"] = option["feedback"]
        return initial

    def question(self) -> QuestionDraft:
        data = self.cleaned_data
        return QuestionDraft(
            kind=data["kind"],
            prompt=data["prompt"],
            scenario=data["scenario"],
            options=tuple(
                OptionDraft(
                    text=data[f"option_{n}_text"],
                    correct=data[f"option_{n}_correct"],
                    feedback=data[f"option_{n}_feedback"],
                )
                for n in range(1, MAX_OPTIONS + 1)
            ),
        )


class OwnModulePublishForm(PageVersion, GovukForm):
    """Publishing the draft; once a version is out, whether badges from earlier versions
    still stand."""

    submit_label = _("Publish")
    prevent_double_click = True
    redo = _("publish")

    earlier = forms.ChoiceField(
        label=_("Do badges earned on earlier versions still stand?"),
        choices=[
            ("keep", _("Yes: the change does not make what learners learnt wrong")),
            ("withdraw", _("No: withdraw them, and ask those learners to take the module again")),
        ],
        initial="keep",
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label=_("Why the earlier versions are withdrawn"),
        help_text=_("Learners and anyone checking their badge read this. Only when withdrawing."),
        max_length=REASON_MAX,
        required=False,
    )

    def __init__(self, *args: Any, first: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first:
            del self.fields["earlier"]
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("earlier") == "withdraw" and not cleaned.get("reason"):
            self.add_error("reason", _("Enter why the earlier versions are withdrawn"))
        return cleaned

    def withdraw_reason(self) -> str:
        if self.cleaned_data.get("earlier") != "withdraw":
            return ""
        return str(self.cleaned_data.get("reason", ""))

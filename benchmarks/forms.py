"""Forms for the self-assessment pages. Each keeps what was typed when it is shown again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchmarks.frameworks import Criterion, Framework
from benchmarks.models import AnswerStatus
from benchmarks.uploads import ALLOWED_DESCRIPTION
from shared.forms import GovukForm, OnceForm, submit_button


class StartForm(OnceForm, GovukForm):
    submit_label = gettext_lazy("Start the self-assessment")

    framework = forms.ChoiceField(
        label=gettext_lazy("Which benchmark do you want to assess yourselves against?"),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, frameworks: list[Framework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.slug, f.name) for f in frameworks]
        self.helper.layout = Layout(Field.radios("framework", legend_size=Size.MEDIUM))


def answer_field(name: str) -> str:
    return f"answer__{name}"


def notes_field(name: str) -> str:
    return f"notes__{name}"


class CriterionForm(GovukForm):
    """One criterion's answers, the organisation's account of it and its links.

    ``version`` is the criterion's version when the page was opened, so a save on an old
    copy is caught rather than overwriting someone else's change (trust rule 8).
    """

    submit_label = gettext_lazy("Save")

    narrative = forms.CharField(
        label=gettext_lazy("Your evidence for this criterion"),
        help_text=gettext_lazy(
            "Describe what you do and how you know it works. Do not name carers or describe "
            "anyone's health."
        ),
        required=False,
        max_length=10000,
        widget=forms.Textarea,
    )
    links = forms.CharField(
        label=gettext_lazy("Links to evidence (optional)"),
        help_text=gettext_lazy(
            "One web address on each line, starting with https://. You can add a title after "
            "the address, for example: https://intranet.example.org/carers Our carers page"
        ),
        required=False,
        widget=forms.Textarea,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, framework: Framework, criterion: Criterion, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        items: list[Any] = []
        for requirement in criterion.requirements:
            hint = " ".join(
                part
                for part in (
                    ""
                    if framework.is_checklist
                    else _("%(level)s level.") % {"level": framework.level_name(requirement.level)},
                    _("Evidence: %(prompts)s") % {"prompts": " ".join(requirement.evidence_prompts)}
                    if requirement.evidence_prompts
                    else "",
                )
                if part
            )
            self.fields[answer_field(requirement.key)] = forms.ChoiceField(
                label=requirement.text,
                help_text=hint,
                choices=AnswerStatus.choices,
                initial=AnswerStatus.NOT_MET,
                widget=forms.RadioSelect,
            )
            self.fields[notes_field(requirement.key)] = forms.CharField(
                label=_("Notes (optional)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea,
            )
            items += [
                Field.radios(
                    answer_field(requirement.key), legend_size=Size.SMALL, small=True, inline=True
                ),
                Field.textarea(notes_field(requirement.key), rows=2),
            ]
        self.helper.layout = Layout(
            *items,
            HTML(
                "<hr class='govuk-section-break govuk-section-break--m govuk-section-break--visible'>"
            ),
            Field.textarea("narrative", rows=6),
            Field.textarea("links", rows=3),
            "version",
        )

    def clean_links(self) -> list[dict[str, str]]:
        links = []
        for line in self.cleaned_data["links"].splitlines():
            parts = line.strip().split(maxsplit=1)
            if parts:
                links.append({"url": parts[0], "title": parts[1] if len(parts) > 1 else ""})
        return links

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            r.key: (
                self.cleaned_data[answer_field(r.key)],
                self.cleaned_data[notes_field(r.key)],
            )
            for r in self.criterion.requirements
        }


def links_as_text(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{link['url']} {link['title']}".strip() for link in links)


class UploadForm(OnceForm, GovukForm):
    submit_label = gettext_lazy("Upload the file")

    file = forms.FileField(label=gettext_lazy("Upload a document"))
    is_carers_policy = forms.BooleanField(
        label=gettext_lazy("This is our carers policy"),
        help_text=gettext_lazy("It then counts as live evidence that your policy is uploaded."),
        required=False,
    )

    def __init__(self, *args: Any, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_action = action
        # Its own button name, so its id differs from the criterion form's on the same page.
        self.helper.inputs = [submit_button("upload", self.submit_label, prevent_double_click=True)]
        field = self.fields["file"]
        field.help_text = _("%(types)s, smaller than %(limit)s.") % {
            "types": ALLOWED_DESCRIPTION,
            "limit": filesizeformat(settings.EVIDENCE_MAX_UPLOAD_BYTES),
        }

    def clean_file(self) -> UploadedFile[bytes]:
        """Too big is refused here, before the service locks the assessment or reads the file
        (the service checks again, for other callers)."""
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _("The file must be smaller than %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return upload


class SignOffForm(GovukForm):
    submit_label = gettext_lazy("Sign off")

    role = forms.CharField(
        label=gettext_lazy("Your job title (optional)"),
        help_text=gettext_lazy("It is shown with your name on the evidence pack."),
        required=False,
        max_length=200,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm these answers and this evidence are accurate, and understand they "
            "cannot be changed after sign-off"
        ),
        error_messages={"required": gettext_lazy("Confirm the answers are accurate to sign off")},
    )
    #: The assessment's state when the page was opened (``AssessmentView.state``), so a
    #: change saved meanwhile is not signed unseen.
    state = forms.CharField(widget=forms.HiddenInput, max_length=64)


NEW_PLAN = "new"


class PlanForm(GovukForm):
    """The level to plan for, and the plan the actions go into: one of the organisation's
    plans or a new one. ``seen`` is the newest plan made from this framework when the page
    was opened, so a second "new plan" sent from the same page is caught."""

    submit_label = gettext_lazy("Create the action plan")

    target = forms.ChoiceField(
        label=gettext_lazy("Which level do you want to plan for?"), widget=forms.RadioSelect
    )
    #: Not sent by a page that had no plan to offer: that means a new plan.
    plan = forms.ChoiceField(
        label=gettext_lazy("Which action plan should the actions go into?"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "That action plan no longer exists: choose another, or a new one"
            ),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("Name of the plan (optional)"),
        required=False,
        max_length=200,
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        choices: list[tuple[str, str]],
        plans: list[tuple[int, str, str]],
        **kwargs: Any,
    ) -> None:
        """``plans``: the organisation's plans as (id, label, hint), newest first."""
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        items: list[Any] = [Field.radios("target", legend_size=Size.MEDIUM)]
        if plans:
            self.helper.inputs = [Submit("submit", _("Add the actions to the plan"))]
            options = [Choice(str(pk), label, hint=hint) for pk, label, hint in plans]
            options.append(Choice(NEW_PLAN, _("A new action plan")))
            plan_field = self.fields["plan"]
            assert isinstance(plan_field, forms.ChoiceField)
            plan_field.choices = options
            self.fields["title"].label = _("Name of the new plan (optional)")
            self.fields["title"].help_text = _("Only used if you choose a new action plan.")
            items.append(Field.radios("plan", legend_size=Size.MEDIUM))
        else:
            # Nothing to add to yet: the actions go into a new plan.
            del self.fields["plan"]
        self.helper.layout = Layout(*items, "title", "seen")

    def chosen_plan(self) -> int | None:
        """The id of the existing plan chosen, or None for a new plan."""
        value = self.cleaned_data.get("plan", NEW_PLAN)
        return None if value in (NEW_PLAN, "", None) else int(value)

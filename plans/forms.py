"""Forms for plans. They check what was typed; the services decide what may be saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from plans.criteria import FrameworkCriteria
from plans.models import ActionStatus, OrgPlan, Priority, Rag
from plans.services import MAX_ROWS, RowInput
from shared.forms import GovukForm, OnceForm, PlainForm, date_field

NO_PERSONAL_DETAIL = _(
    "This is about your work. Do not write about anyone's health or family circumstances."
)


def criterion_choices(
    groups: list[FrameworkCriteria], keep: dict[str, str] | None = None
) -> list[Any]:
    """A select's choices grouped by framework. ``keep`` adds references a plan already
    uses that the frameworks no longer have, so saving again does not lose them."""
    choices: list[Any] = [("", _("None, or write your own below"))]
    known: set[str] = set()
    for group in groups:
        choices.append((group.name, [(c.ref, c.title) for c in group.criteria]))
        known |= {c.ref for c in group.criteria}
    extra = [(ref, title) for ref, title in (keep or {}).items() if ref and ref not in known]
    if extra:
        choices.append((_("No longer in a framework"), extra))
    return choices


def _titles(choices: list[Any]) -> dict[str, str]:
    titles: dict[str, str] = {}
    for _value, label in choices:
        if isinstance(label, list):
            titles.update({str(ref): str(title) for ref, title in label})
    return titles


NO_VERSION = _(
    "We could not tell which version of this page you started from, so nothing has been "
    "saved. Open the page again and make your changes there."
)


class VersionField(PlainForm):
    """Carries the version the person was looking at, to catch clashing edits (trust
    rule 8). Forms that create leave it out; forms that edit (``editing=True``) must
    send it, or an edit could silently overwrite someone else's."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.editing and cleaned.get("version") is None:
            # The field is hidden, so say so at the top rather than against it.
            self.errors.pop("version", None)
            raise ValidationError(NO_VERSION, code="no_version")
        return cleaned


class VersionedForm(VersionField, GovukForm):
    """A GOV.UK form for an organisation plan's parts, with the version they were read at."""


# --- Personal plans --------------------------------------------------------------------------


class PersonalPlanForm(VersionField):
    """The plan's own fields; its rows are a formset rendered on the same page."""

    title = forms.CharField(
        label=_("Name of the plan"),
        help_text=_("Only for you to tell your plans apart, for example “Carer Positive 2026”."),
        max_length=200,
        error_messages={"required": _("Enter a name for the plan.")},
    )
    goal = forms.CharField(
        label=_("My long-term goal"),
        help_text=_("Where you want to get to, for yourself or for your team."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    first_step = forms.CharField(
        label=_("The first step I am going to take will be to…"),
        help_text=_("Something small you can do soon, such as booking a conversation."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    first_step_on = date_field(_("When I will take the first step (optional)"))


class NewPersonalPlanForm(OnceForm, PersonalPlanForm):
    """Making a plan: sent once, however often the button is pressed."""


class PlanRowForm(PlainForm):
    row_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    criterion = forms.ChoiceField(label=_("Criterion"), required=False)
    criterion_other = forms.CharField(
        label=_("Criterion or area, in your own words"), required=False, max_length=300
    )
    action = forms.CharField(
        label=_("What I am going to do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PERSONAL_DETAIL,
        error_messages={"required": _("Say what you are going to do.")},
    )
    help_from = forms.CharField(
        label=_("Where I will go for help or advice"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = date_field(_("When I will do it (optional)"))
    due_note = forms.CharField(
        label=_("When, in your own words (optional)"),
        help_text=_("For example “at the next team meeting”."),
        required=False,
        max_length=200,
    )
    done = forms.BooleanField(label=_("Done"), required=False)

    def __init__(self, *args: Any, criteria: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = criteria or [("", "")]
        field = self.fields["criterion"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        self.titles = _titles(choices)
        self.has_frameworks = bool(self.titles)

    def as_row(self) -> RowInput:
        data = self.cleaned_data
        ref = data.get("criterion") or ""
        title = self.titles.get(ref, "") if ref else data.get("criterion_other", "")
        return RowInput(
            id=data.get("row_id"),
            criterion_ref=ref,
            criterion_title=title,
            action=data["action"],
            help_from=data.get("help_from", ""),
            due_on=data.get("due_on"),
            due_note=data.get("due_note", ""),
            done=bool(data.get("done")),
        )


class BaseRowFormSet(BaseFormSet[PlanRowForm]):
    def add_fields(self, form: PlanRowForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row when I save")


def row_formset(extra: int) -> type[BaseFormSet[PlanRowForm]]:
    """Rows of a personal plan; ``extra`` blank rows are offered on a fresh page."""
    return formset_factory(
        PlanRowForm,
        formset=BaseRowFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
    )


PlanRowFormSet = row_formset(0)


class ShareForm(GovukForm):
    submit_label = _("Share")

    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("The address they sign in with. They must be a member of this organisation."),
        max_length=254,
        error_messages={
            "required": _("Enter the email address of the person to share with."),
            "invalid": _("Enter an email address in the right format, like name@example.org."),
        },
    )


# --- Organisational plans --------------------------------------------------------------------


class OrgPlanForm(VersionedForm):
    submit_label = _("Save")

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Carers' strategy action plan 2026 to 2029”."),
        error_messages={"required": _("Enter a title.")},
    )
    period_start = date_field(_("Start"), required=True)
    period_end = date_field(_("End"), required=True)
    periods = forms.CharField(
        label=_("Periods to report progress in (optional)"),
        help_text=_(
            "One a line, in order, such as 2026/27. Leave empty to use the financial years "
            "(April to March) between the start and the end."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_start"].error_messages["required"] = _("Enter the start date.")
        self.fields["period_end"].error_messages["required"] = _("Enter the end date.")

    def period_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["periods"].splitlines() if line.strip()]


class NewOrgPlanForm(OnceForm, OrgPlanForm):
    """Creating a plan: sent once."""


class PriorityForm(VersionedForm):
    submit_label = _("Save")

    number = forms.CharField(
        label=_("Number (optional)"),
        help_text=_("Leave empty to number it next."),
        required=False,
        max_length=20,
    )
    title = forms.CharField(
        label=_("Priority"), max_length=300, error_messages={"required": _("Enter the priority.")}
    )
    aim = forms.CharField(
        label=_("Aim (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NewPriorityForm(OnceForm, PriorityForm):
    """Adding a priority: sent once."""


class ActionForm(VersionedForm):
    submit_label = _("Save")

    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int)
    number = forms.CharField(
        label=_("Action point number (optional)"),
        help_text=_("Such as 2.1.1. Leave empty to number it next under its priority."),
        required=False,
        max_length=30,
    )
    planned_action = forms.CharField(
        label=_("Planned action"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the planned action.")},
    )
    what_we_will_do = forms.CharField(
        label=_("What we will do"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    risks = forms.CharField(
        label=_("Risks"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_email = forms.EmailField(
        label=_("Owner's email address (optional)"),
        help_text=_("A member of this organisation. They can see this plan and report progress."),
        required=False,
        max_length=254,
    )
    due_on = date_field(_("Due (optional)"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        initial=ActionStatus.OPEN,
        widget=forms.RadioSelect,
    )
    criterion = forms.ChoiceField(label=_("Benchmark criterion (optional)"), required=False)

    def __init__(
        self,
        *args: Any,
        plan: OrgPlan,
        priorities: list[Priority],
        criteria: list[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        priority = self.fields["priority"]
        assert isinstance(priority, forms.ChoiceField)
        priority.choices = [(p.pk, str(p)) for p in priorities]
        criterion = self.fields["criterion"]
        assert isinstance(criterion, forms.ChoiceField)
        criterion.choices = criteria
        self.titles = _titles(criteria)
        if not self.titles:
            del self.fields["criterion"]


class NewActionForm(OnceForm, ActionForm):
    """Adding an action point: sent once."""


class ProgressForm(OnceForm, GovukForm):
    submit_label = _("Add progress")

    period = forms.ChoiceField(
        label=_("Period"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the period this progress is for.")},
    )
    rag = forms.ChoiceField(
        label=_("How is it going?"),
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose red, amber or green.")},
    )
    text = forms.CharField(
        label=_("What has happened"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what has happened.")},
    )

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [(p, p) for p in periods]

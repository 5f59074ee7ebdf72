from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations import working_pattern
from organisations.models import Organisation, Partnership, Role, StaffRecord, StaffStatus, Unit
from organisations.selectors import units_matching_code
from organisations.setup_import import MAX_BYTES
from shared.forms import DateInput, GovukForm, GovukModelForm, OnceForm, PlainForm

#: The form's choice for an irregular pattern (stored as no days at all).
NO_FIXED_DAYS = "irregular"


def _unit_code_field(*, label: Any, help_text: Any) -> forms.CharField:
    # A select of every unit does not scale (a large trust has thousands); HR types the code.
    return forms.CharField(label=label, required=False, max_length=40, help_text=help_text)


def _clean_unit_code(*, organisation: Organisation, code: str) -> Unit | None:
    code = code.strip()
    if not code:
        return None
    matches = units_matching_code(organisation=organisation, code=code)
    if len(matches) > 1:
        raise forms.ValidationError(
            _(
                "More than one unit has the code %(code)s in different capitals, such as "
                "%(first)s and %(second)s. Type the code exactly as it appears on the Units page."
            ),
            params={"code": code, "first": matches[0].code, "second": matches[1].code},
        )
    if not matches:
        raise forms.ValidationError(
            _(
                "No unit has the code %(code)s. Type the code exactly as it appears on the "
                "Units page."
            ),
            params={"code": code},
        )
    return matches[0]


class StaffRecordForm(GovukModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = StaffRecord
        fields = [
            "staff_number",
            "first_name",
            "last_name",
            "work_email",
            "unit",
            "line_manager",
            "days_per_week",
            "hours_per_week",
            "working_days",
            "works_bank_holidays",
            "start_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "works_bank_holidays": forms.RadioSelect,
        }
        help_texts = {
            "line_manager": _(
                "Whoever is chosen here can hold passport conversations with this person."
            ),
            "days_per_week": _("For example 5, or 2.5 for part-time."),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["unit"] = _unit_code_field(
            label=_("Unit code"),
            help_text=_(
                "Type the code of their unit as shown on the Units page, for example WARD1. "
                "Leave blank if they have no unit."
            ),
        )
        # A select of every manager does not scale; HR types the manager's staff number.
        self.fields["line_manager"] = forms.CharField(
            label=_("Line manager's staff number"),
            required=False,
            help_text=_("Leave blank if this person has no line manager on record."),
        )
        self.fields["working_days"] = forms.MultipleChoiceField(
            label=_("Which days do they normally work?"),
            choices=[(str(n), label) for n, _code, label in working_pattern.WEEKDAYS]
            + [(NO_FIXED_DAYS, _("No fixed days (an irregular pattern or a rota)"))],
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Carer's leave can only be taken on these days, and not on bank holidays unless "
                "they work them. With no fixed days, any day can be taken."
            ),
            error_messages={
                "required": _("Choose the days they normally work, or No fixed days."),
            },
        )
        default = (
            _("yes, they work them")
            if organisation.staff_work_bank_holidays
            else _("no, they are days off")
        )
        bank_holidays = self.fields["works_bank_holidays"]
        # Left out of a post (a form from before the question existed), it stays as it is.
        bank_holidays.required = False
        bank_holidays.label = _("Do they work bank holidays?")
        bank_holidays.help_text = _(
            "For staff on a rota that includes bank holidays. Carer's leave can then be taken on "
            "a bank holiday. The organisation's default is: %(default)s."
        ) % {"default": default}
        self.initial["working_days"] = (
            list(self.instance.working_days)
            if not self.instance.pk or self.instance.working_days
            else [NO_FIXED_DAYS]
        )
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            manager = self.instance.line_manager
            self.initial["line_manager"] = manager.staff_number if manager else ""
            self.initial["unit"] = self.instance.unit.code if self.instance.unit_id else ""
        self.order_fields(self.Meta.fields)

    def clean_unit(self) -> Unit | None:
        return _clean_unit_code(
            organisation=self.organisation, code=self.cleaned_data.get("unit") or ""
        )

    def clean_line_manager(self) -> StaffRecord | None:
        number = (self.cleaned_data.get("line_manager") or "").strip()
        if not number:
            return None
        manager = StaffRecord.objects.filter(
            organisation=self.organisation, staff_number=number
        ).first()
        if manager is None:
            raise forms.ValidationError(
                _("No member of staff has the staff number %(n)s."), params={"n": number}
            )
        return manager

    def clean_working_days(self) -> str:
        chosen: list[str] = self.cleaned_data["working_days"]
        if NO_FIXED_DAYS in chosen:
            if len(chosen) > 1:
                raise forms.ValidationError(
                    _("Choose either the days they work, or No fixed days, not both.")
                )
            return working_pattern.IRREGULAR
        return working_pattern.normalise(int(day) for day in chosen)

    def clean_works_bank_holidays(self) -> str:
        chosen: str = self.cleaned_data.get("works_bank_holidays") or ""
        return chosen or self.instance.works_bank_holidays

    def clean_staff_number(self) -> str:
        number: str = self.cleaned_data["staff_number"].strip()
        clash = StaffRecord.objects.filter(organisation=self.organisation, staff_number=number)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another member of staff already has this staff number."))
        return number

    def _post_clean(self) -> None:
        # Model validation happens in the service, which also checks line-management loops.
        pass


class NewStaffRecordForm(OnceForm, StaffRecordForm):
    """Adding someone by hand: sent once, so a double click makes one record."""


class MemberSearchForm(PlainForm):
    q = forms.CharField(
        label=_("Search by email address or name"),
        help_text=_("The start of an email address, a first name or a last name."),
        required=False,
        max_length=254,
    )


class StaffSearchForm(PlainForm):
    q = forms.CharField(label=_("Search by name, staff number or email"), required=False)
    unit = forms.CharField(label=_("Unit code or name"), required=False, max_length=200)
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *StaffStatus.choices], required=False, label=_("Status")
    )


class MarkLeftForm(GovukForm):
    submit_label = _("Mark as left")
    left_on = forms.DateField(
        label=_("Date they left"),
        widget=DateInput(),
        help_text=_("The last day of employment."),
    )


class UnitForm(OnceForm, GovukForm):
    submit_label = _("Add unit")
    code = forms.CharField(
        label=_("Unit code"), max_length=40, help_text=_("As it appears in your HR extract.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = _unit_code_field(
        label=_("Part of: unit code"),
        help_text=_(
            "Type the code of the unit this one is part of, as shown in the list of units, "
            "for example MED. Leave blank for a top-level unit."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_parent(self) -> Unit | None:
        return _clean_unit_code(
            organisation=self.organisation, code=self.cleaned_data.get("parent") or ""
        )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if Unit.objects.filter(organisation=self.organisation, code=code).exists():
            raise forms.ValidationError(_("A unit with this code already exists."))
        return code


class StaffImportForm(OnceForm, GovukForm):
    submit_label = _("Check the file")
    file = forms.FileField(
        label=_("Staff file (CSV)"),
        help_text=_("A CSV file saved as UTF-8. See the layout below."),
    )
    mark_missing_as_left = forms.BooleanField(
        required=False,
        label=_("Mark staff who are not in this file as having left"),
        help_text=_("Only tick this if the file lists everyone currently employed."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("The file must be a CSV file."))
        if upload.size > settings.STAFF_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class StaffImportConfirmForm(GovukForm):
    """Confirming a previewed import. Marking people as left needs a tick that states how
    many, and more than the limit a second tick (docs/staff-import.md)."""

    submit_label = _("Import these changes")
    confirm_left = forms.BooleanField()
    force = forms.BooleanField()

    def __init__(
        self, *args: Any, counts: dict[str, int], marking_left: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.marking_left = marking_left
        self.leaving = int(counts.get("mark_left", 0)) if marking_left else 0
        limit = counts.get("left_limit")
        if self.leaving:
            field = self.fields["confirm_left"]
            field.label = ngettext(
                "Mark %(count)s person as left",
                "Mark %(count)s people as left",
                self.leaving,
            ) % {"count": self.leaving}
            field.help_text = _(
                "Only if the file lists everyone currently employed. They lose access at once."
            )
            field.error_messages["required"] = ngettext(
                "Tick to confirm that %(count)s person should be marked as left",
                "Tick to confirm that %(count)s people should be marked as left",
                self.leaving,
            ) % {"count": self.leaving}
        else:
            del self.fields["confirm_left"]
        if self.leaving and limit is not None and self.leaving > int(limit):
            field = self.fields["force"]
            field.label = _(
                "I understand that this is more than the usual limit of %(limit)s, and I have "
                "checked that the file lists everyone currently employed"
            ) % {"limit": limit}
            field.error_messages["required"] = _(
                "Tick to confirm that you mean to mark more people as left than the limit allows"
            )
        else:
            del self.fields["force"]

    @property
    def left_confirmed(self) -> int | None:
        """How many people were confirmed to mark as left; ``None`` when not marking any."""
        return self.leaving if self.marking_left else None

    @property
    def left_forced(self) -> bool:
        return bool(self.cleaned_data.get("force"))


class InvitationForm(OnceForm, GovukForm):
    submit_label = _("Send invitation")
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        initial=Role.EMPLOYEE,
        help_text=_(
            "Everyone is also an employee. HR admins and organisation admins must set up two-factor authentication."
        ),
    )
    staff_number = forms.CharField(
        label=_("Their staff number (optional)"),
        required=False,
        help_text=_("Links the account to their staff record."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, allowed_roles: list[Role], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].choices = [(r.value, r.label) for r in allowed_roles]  # type: ignore[attr-defined]

    def clean_staff_number(self) -> StaffRecord | None:
        number = (self.cleaned_data.get("staff_number") or "").strip()
        if not number:
            return None
        record = StaffRecord.objects.filter(
            organisation=self.organisation, staff_number=number
        ).first()
        if record is None:
            raise forms.ValidationError(_("No member of staff has this staff number."))
        return record


class InviteEveryoneForm(GovukForm):
    """Whom a bulk invitation covers; sent by GET, as it only shows the counts."""

    submit_label = _("Check who will be invited")
    unit = _unit_code_field(
        label=_("Unit code (optional)"),
        help_text=_(
            "To invite one unit, type its code as shown on the Units page: everyone in post in "
            "it and in the units under it is invited. Leave blank to invite everyone in post in "
            "the organisation."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.helper.form_method = "get"

    def clean_unit(self) -> Unit | None:
        return _clean_unit_code(
            organisation=self.organisation, code=self.cleaned_data.get("unit") or ""
        )


class InviteEveryoneConfirmForm(OnceForm, PlainForm):
    """The confirmation, carrying the unit checked; its template writes the button."""

    prevent_double_click = True
    unit = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_unit(self) -> Unit | None:
        return _clean_unit_code(
            organisation=self.organisation, code=self.cleaned_data.get("unit") or ""
        )


class MembershipForm(GovukForm):
    submit_label = _("Give role")
    email = forms.EmailField(label=_("Email address of someone already in this organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)


class OrganisationLanguageForm(GovukForm):
    """The organisation's language for staff who have not chosen their own (docs/welsh.md)."""

    submit_label = _("Save")
    default_language = forms.ChoiceField(
        label=_("Language for your staff"),
        help_text=_(
            "Pages, emails and documents come in this language for everyone here who has not "
            "chosen one for themselves, and invitations are written in it. Anyone can still "
            "choose their own with the language link at the top of every page."
        ),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )


class OrganisationSetupForm(GovukForm):
    """The deployment admin's file of organisations and units (docs/organisation-setup.md)."""

    submit_label = _("Check the file")
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Choose a partnership"),
        help_text=_("New organisations join this partnership."),
        error_messages={"required": _("Choose the partnership the organisations belong to")},
    )
    file = forms.FileField(
        label=_("Organisations and units file (CSV)"),
        help_text=_("A CSV file saved as UTF-8. See the layout below."),
        error_messages={"required": _("Choose a CSV file to check")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("The file must be a CSV file."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class OrganisationSetupConfirmForm(OnceForm, GovukForm):
    """Confirming a checked file: the checked plan comes back signed, never the file."""

    submit_label = _("Set up these organisations and units")
    plan = forms.CharField(widget=forms.HiddenInput)

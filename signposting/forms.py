"""The directory's forms: the search, an entry, an access code. The rules are the services'
(``signposting.services``); these forms only collect what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from passports.public import need_kind_choices
from shared.forms import GovukForm, OnceForm, PageVersion, PlainForm, date_field
from shared.writes import RuleError
from signposting.models import (
    CODE_MAX,
    HOW_TO_GET_MAX,
    NAME_MAX,
    NOTES_MAX,
    WEBSITE_MAX,
    WHO_FOR_MAX,
    AreaKind,
    Entry,
    Kind,
    Topic,
)
from signposting.places import AREA_MAX, PlaceError, place
from signposting.services import CodeDetails, EntryDetails, Owner

ANY = [("", _("Any"))]


class SearchForm(PlainForm):
    """The directory's filters, sent in the address (the template writes the fields)."""

    area = forms.CharField(
        label=_("Postcode or local authority"),
        help_text=_("For example LS1 4AP, LS1 or Leeds"),
        required=False,
        max_length=AREA_MAX,
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=ANY + Topic.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind of support"), choices=ANY + Kind.choices, required=False)

    def clean_area(self) -> tuple[AreaKind, str] | None:
        text = self.cleaned_data.get("area") or ""
        if not text.strip():
            return None
        try:
            return place(text)
        except PlaceError as error:
            raise forms.ValidationError(str(error)) from None


class EntryForm(GovukForm):
    submit_label = _("Add the entry")

    kind = forms.ChoiceField(
        label=_("What kind of support is it?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    who_for = forms.CharField(
        label=_("Who it is for"),
        help_text=_("For example: anyone caring for someone with dementia in Leeds."),
        max_length=WHO_FOR_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    how_to_get = forms.CharField(
        label=_("How to get it"),
        help_text=_("What someone does first: call, fill in a form, ask their line manager."),
        max_length=HOW_TO_GET_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=50, required=False)
    email = forms.CharField(label=_("Email (optional)"), max_length=254, required=False)
    website = forms.CharField(
        label=_("Website (optional)"),
        help_text=_("The full address, starting with https://"),
        max_length=WEBSITE_MAX,
        required=False,
    )
    covers_everywhere = forms.BooleanField(
        label=_("Available everywhere in the UK"), required=False
    )
    areas = forms.CharField(
        label=_("Areas it covers (optional if available everywhere)"),
        help_text=_(
            "One a line: a postcode district such as LS1, or a local authority such as Leeds."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs = forms.MultipleChoiceField(
        label=_("Kinds of caring it suits (optional)"),
        help_text=_(
            "Carers who chose one of these in their passport see the entry under “Support for you”."
        ),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    review_by = date_field(
        _("Check it again by"),
        required=True,
        help_text=_("After this date the entry is shown to keepers as needing a check."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = need_kind_choices()  # type: ignore[attr-defined]

    def details(self) -> EntryDetails:
        data = self.cleaned_data
        return EntryDetails(
            kind=data["kind"],
            name=data["name"],
            who_for=data["who_for"],
            how_to_get=data["how_to_get"],
            phone=data["phone"],
            email=data["email"],
            website=data["website"],
            covers_everywhere=data["covers_everywhere"],
            areas=data["areas"],
            topics=tuple(data["topics"]),
            needs=tuple(data["needs"]),
            review_by=data["review_by"],
        )


class EntryNewForm(OnceForm, EntryForm):
    """Adding an entry: sent twice, it adds one."""


class EntryEditForm(PageVersion, EntryForm):
    redo = _("make your change")
    submit_label = _("Save")
    prevent_double_click = False

    #: The check-by date as the page showed it, so a "Still right" pressed meanwhile is not
    #: undone by a save that left the date alone (``entry_update``).
    review_by_shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_review_by_shown(self) -> date | None:
        try:
            return date.fromisoformat(self.cleaned_data.get("review_by_shown") or "")
        except ValueError:
            return None  # unreadable: the date typed is saved as it is


def entry_initial(entry: Entry) -> dict[str, Any]:
    """The entry as the edit form shows it; sent back unchanged, it changes nothing."""
    return {
        "version": entry.version,
        "kind": entry.kind,
        "name": entry.name,
        "who_for": entry.who_for,
        "how_to_get": entry.how_to_get,
        "phone": entry.phone,
        "email": entry.email,
        "website": entry.website,
        "covers_everywhere": entry.covers_everywhere,
        "areas": "\n".join(area.value for area in entry.areas.all()),
        "topics": [topic.topic for topic in entry.topics.all()],
        "needs": [need.need for need in entry.needs.all()],
        "review_by": entry.review_by,
        "review_by_shown": entry.review_by.isoformat(),
    }


WHOLE_PARTNERSHIP = "partnership"


class CodeForm(OnceForm, GovukForm):
    """An access code. For a partnership's entry, the keeper chooses who may use it."""

    submit_label = _("Add the code")

    code = forms.CharField(label=_("Access code"), max_length=CODE_MAX)
    holder = forms.ChoiceField(label=_("Who may use it"), widget=forms.RadioSelect)
    valid_from = date_field(_("First day it works"), required=True)
    valid_until = date_field(_("Last day it works"), required=True)
    notes = forms.CharField(
        label=_("Notes for staff (optional)"),
        help_text=_("For example: enter the code when the site asks for an employer code."),
        max_length=NOTES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        owner: Owner,
        members: list[Organisation],
        today: date,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"valid_from": today})
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.members = {str(o.pk): o for o in members}
        if owner.organisation is not None:
            # An organisation's entry has codes for its own staff: nothing to choose.
            del self.fields["holder"]
        else:
            assert owner.partnership is not None
            self.fields["holder"].choices = [  # type: ignore[attr-defined]
                (WHOLE_PARTNERSHIP, _("Staff of every organisation in the partnership")),
                *((pk, o.name) for pk, o in self.members.items()),
            ]
            # A choice made on a page opened before an organisation left stays a choice, so
            # the person is told why it is refused rather than "select a valid choice". It is
            # never looked up: the page names no organisation outside the partnership.
            posted = self.data.get(self.add_prefix("holder")) if self.is_bound else None
            if posted and posted != WHOLE_PARTNERSHIP and posted not in self.members:
                self.fields["holder"].choices = [  # type: ignore[attr-defined]
                    *self.fields["holder"].choices,  # type: ignore[attr-defined]
                    (posted, _("An organisation no longer in the partnership")),
                ]

    def details(self) -> CodeDetails:
        data = self.cleaned_data
        holder: Owner
        if self.owner.organisation is not None:
            holder = Owner(organisation=self.owner.organisation)
        elif data["holder"] == WHOLE_PARTNERSHIP:
            holder = Owner(partnership=self.owner.partnership)
        elif data["holder"] in self.members:
            holder = Owner(organisation=self.members[data["holder"]])
        else:
            raise RuleError(
                "not_in_partnership",
                str(
                    _(
                        "That organisation is no longer in the partnership, so its staff cannot "
                        "see this entry. Choose another organisation or the whole partnership."
                    )
                ),
                field="holder",
            )
        return CodeDetails(
            code=data["code"],
            holder=holder,
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            notes=data["notes"],
        )

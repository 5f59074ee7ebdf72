"""The policy's edit form, written by hand in its template for its three buttons (Preview,
Save draft, Publish). What may be published is the service's rule (``policies.services``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from policies.models import BODY_MAX, CHANGES_MAX, LINK_MAX, SUMMARY_MAX
from policies.services import PolicyText
from shared.forms import PageVersion


class PolicyForm(PageVersion):
    redo = _("make your change")

    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("Two or three sentences staff read first: who it is for and what it offers."),
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("The policy"),
        help_text=_(
            "Write in Markdown: start sections with ##, lists with - or 1. Links to this "
            "service's pages are written like [carer's leave](product:carers-leave). HTML is "
            "shown as text. Up to %(max)s characters."
        )
        % {"max": f"{BODY_MAX:,}"},
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
    )
    link = forms.CharField(
        label=_("Link to the full document (optional)"),
        help_text=_("An address starting with https:// or http://, for example on your intranet."),
        max_length=LINK_MAX,
        required=False,
    )
    changes = forms.CharField(
        label=_("What changed (needed to publish a new version)"),
        help_text=_(
            "Staff read this beside the new version, for example “Paid carer's leave is now 5 days”."
        ),
        max_length=CHANGES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def text(self) -> PolicyText:
        data = self.cleaned_data
        return PolicyText(
            summary=data["summary"], body=data["body"], link=data["link"], changes=data["changes"]
        )

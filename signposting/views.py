"""The support directory's pages.

Members in post search the directory, open an entry (with the access codes their
organisation may use today) and see "Support for you", the entries suited to the kinds of
need they chose in their declaration. Keepers (HR admins, organisation admins and carer
champions for the organisation; the partnership's leads for the partnership) add, change and
remove entries and codes, and mark an entry as still right. The rules are
``signposting.services``'s; these views only turn a request into a call.

Nothing is stored or audited about what a member searches for or opens.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from networks.public import champion_contacts
from organisations.access import access_partnership, org_view
from organisations.models import Partnership
from organisations.selectors import staff_record_for_user
from organisations.types import AuthenticatedRequest, OrgRequest
from passports.public import need_kind_choices, need_kinds_of
from shared.dates import long_date
from shared.forms import attempt, posted_version
from shared.once import one_submission
from shared.writes import RuleError
from signposting.forms import CodeForm, EntryEditForm, EntryNewForm, SearchForm, entry_initial
from signposting.rules import KEEP_ENTRIES, KEEP_PARTNERSHIP_ENTRIES, VIEW_DIRECTORY
from signposting.selectors import (
    Search,
    access_code,
    access_entry,
    access_kept_entry,
    codes_for,
    codes_of,
    directory_page,
    for_you_page,
    kept_page,
    partnership_members,
    stale_count,
)
from signposting.services import (
    Owner,
    code_add,
    code_remove,
    entry_confirm,
    entry_create,
    entry_remove,
    entry_update,
)

# --- Members ---------------------------------------------------------------------------


@require_safe
@org_view(VIEW_DIRECTORY)
def directory(request: OrgRequest) -> HttpResponse:
    """Search by area, topic and kind; with no filter, every entry by name."""
    form = SearchForm(request.GET)
    search = Search()
    if form.is_valid():
        data = form.cleaned_data
        search = Search(area=data["area"], topic=data["topic"], kind=data["kind"])
    page = directory_page(
        organisation=request.organisation,
        search=search,
        number=request.GET.get("page") if form.is_valid() else None,
    )
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "signposting/directory.html",
        {
            "organisation": request.organisation,
            "form": form,
            "page": page if form.is_valid() else None,
            "keep": keep.urlencode(),
            "today": timezone.localdate(),
            "is_keeper": request.user.has_perm(KEEP_ENTRIES, request.organisation),
        },
    )


@require_safe
@org_view(VIEW_DIRECTORY)
def entry(request: OrgRequest, pk: int) -> HttpResponse:
    """One entry, with the access codes staff here may use today (only ever on this page)."""
    found = access_entry(organisation=request.organisation, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "signposting/entry.html",
        {
            "organisation": request.organisation,
            "entry": found,
            "codes": codes_for(entry=found, organisation=request.organisation, today=today),
            "today": today,
            "need_labels": dict(need_kind_choices()),
        },
    )


@require_safe
@org_view(VIEW_DIRECTORY)
def for_you(request: OrgRequest) -> HttpResponse:
    """The entries suited to the kinds of need the reader chose in their declaration, worked
    out now from their own answers, a page at a time; nothing about it is kept or logged."""
    needs = need_kinds_of(user=request.user, organisation=request.organisation)
    labels = dict(need_kind_choices())
    return render(
        request,
        "signposting/for_you.html",
        {
            "organisation": request.organisation,
            "needs": [labels[need] for need in needs],
            "page": for_you_page(
                organisation=request.organisation, needs=needs, number=request.GET.get("page")
            ),
            "today": timezone.localdate(),
            "champions": champion_contacts(organisation=request.organisation),
            # Only someone with a staff record here has a carer's passport page to go to.
            "has_record": staff_record_for_user(
                user=request.user, organisation=request.organisation
            )
            is not None,
        },
    )


# --- Keepers, for an organisation or a partnership ----------------------------------------


class Keeping:
    """Where the keeper's pages are: an organisation's or a partnership's, and their
    addresses, so one set of views and templates serves both."""

    def __init__(
        self,
        request: HttpRequest,
        owner: Owner,
        *,
        prefix: str,
        args: tuple[Any, ...],
    ) -> None:
        self.request = request
        self.owner = owner
        self.prefix = prefix
        self.args = args

    def go_to(self, name: str, *more: Any) -> HttpResponse:
        return redirect(f"signposting:{self.prefix}{name}", *self.args, *more)

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "organisation": self.owner.organisation,
            "partnership": self.owner.partnership,
            "prefix": self.prefix,
            "owner_slug": self.args[0],
            "names": {
                name: f"signposting:{self.prefix}{name}"
                for name in (
                    "manage",
                    "entry_new",
                    "entry_edit",
                    "entry_remove",
                    "entry_confirm",
                    "code_new",
                    "code_remove",
                )
            },
            **more,
        }


def _org_keeping(request: OrgRequest) -> Keeping:
    return Keeping(
        request,
        Owner(organisation=request.organisation),
        prefix="",
        args=(request.organisation.slug,),
    )


def _partnership_keeping(request: AuthenticatedRequest, slug: str) -> Keeping:
    partnership: Partnership = access_partnership(
        viewer=request.user, slug=slug, permission=KEEP_PARTNERSHIP_ENTRIES
    )
    return Keeping(request, Owner(partnership=partnership), prefix="partnership_", args=(slug,))


def _manage(keeping: Keeping) -> HttpResponse:
    today = timezone.localdate()
    return render(
        keeping.request,
        "signposting/manage.html",
        keeping.context(
            page=kept_page(
                owner=keeping.owner, today=today, number=keeping.request.GET.get("page")
            ),
            stale=stale_count(owner=keeping.owner, today=today),
            today=today,
        ),
    )


def _entry_new(keeping: Keeping) -> HttpResponse:
    request = keeping.request
    form = EntryNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        added = attempt(
            form,
            lambda: entry_create(owner=keeping.owner, by=request.user, details=form.details()),  # type: ignore[arg-type]
        )
        if added is not None:
            messages.success(request, _("Entry added."))
            return keeping.go_to("manage")
    return render(request, "signposting/entry_form.html", keeping.context(form=form, entry=None))


def _entry_edit(keeping: Keeping, pk: int) -> HttpResponse:
    request = keeping.request
    found = access_kept_entry(owner=keeping.owner, pk=pk)
    if request.method == "POST":
        form = EntryEditForm(request.POST)
        if form.is_valid():
            changed = attempt(
                form,
                lambda: entry_update(
                    entry=found,
                    by=request.user,  # type: ignore[arg-type]
                    details=form.details(),
                    expected_version=form.cleaned_data["version"],
                    review_by_shown=form.cleaned_data["review_by_shown"],
                ),
            )
            if not form.errors:
                if changed:
                    messages.success(request, _("Entry saved."))
                return keeping.go_to("manage")
    else:
        form = EntryEditForm(initial=entry_initial(found))
    return render(
        request,
        "signposting/entry_form.html",
        keeping.context(
            form=form, entry=found, codes=codes_of(entry=found), today=timezone.localdate()
        ),
    )


def _entry_remove(keeping: Keeping, pk: int) -> HttpResponse:
    """Asks first; the button removes the entry and its codes."""
    found = access_kept_entry(owner=keeping.owner, pk=pk)
    if keeping.request.method == "POST":
        entry_remove(entry=found, by=keeping.request.user)  # type: ignore[arg-type]
        messages.success(keeping.request, _("“%(name)s” has been removed.") % {"name": found.name})
        return keeping.go_to("manage")
    return render(keeping.request, "signposting/entry_remove.html", keeping.context(entry=found))


def _entry_confirm(keeping: Keeping, pk: int) -> HttpResponse:
    """Still right: a bare button with the page version; the check-by date moves on."""
    found = access_kept_entry(owner=keeping.owner, pk=pk)
    try:
        entry_confirm(
            entry=found,
            by=keeping.request.user,  # type: ignore[arg-type]
            expected_version=posted_version(keeping.request),
            today=timezone.localdate(),
        )
    except RuleError as refusal:  # a bare button: the reason becomes a message
        messages.error(keeping.request, refusal.message)
        return keeping.go_to("entry_edit", found.pk)
    # Said again on a second press too: the entry is still right either way.
    messages.success(
        keeping.request,
        _("“%(name)s” is marked as still right. Check it again by %(date)s.")
        % {"name": found.name, "date": long_date(found.review_by)},
    )
    return keeping.go_to("manage")


def _code_new(keeping: Keeping, pk: int) -> HttpResponse:
    request = keeping.request
    found = access_kept_entry(owner=keeping.owner, pk=pk)
    today = timezone.localdate()
    members = (
        partnership_members(partnership=keeping.owner.partnership)
        if keeping.owner.partnership is not None
        else []
    )
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        owner=keeping.owner,
        members=members,
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        added = attempt(
            form,
            lambda: code_add(entry=found, by=request.user, details=form.details(), today=today),  # type: ignore[arg-type]
        )
        if added is not None:
            messages.success(request, _("Access code added."))
            return keeping.go_to("entry_edit", found.pk)
    return render(request, "signposting/code_form.html", keeping.context(form=form, entry=found))


def _code_remove(keeping: Keeping, pk: int, code_pk: int) -> HttpResponse:
    found = access_kept_entry(owner=keeping.owner, pk=pk)
    code_remove(code=access_code(entry=found, pk=code_pk), by=keeping.request.user)  # type: ignore[arg-type]
    messages.success(keeping.request, _("The access code has been removed."))
    return keeping.go_to("entry_edit", found.pk)


@require_safe
@org_view(KEEP_ENTRIES)
def manage(request: OrgRequest) -> HttpResponse:
    """The organisation's entries for its keepers, those needing a check first."""
    return _manage(_org_keeping(request))


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(KEEP_ENTRIES)
@one_submission
def entry_new(request: OrgRequest) -> HttpResponse:
    return _entry_new(_org_keeping(request))


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(KEEP_ENTRIES)
def entry_edit(request: OrgRequest, pk: int) -> HttpResponse:
    return _entry_edit(_org_keeping(request), pk)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(KEEP_ENTRIES)
def entry_remove_view(request: OrgRequest, pk: int) -> HttpResponse:
    return _entry_remove(_org_keeping(request), pk)


@require_POST
@org_view(KEEP_ENTRIES)
def entry_confirm_view(request: OrgRequest, pk: int) -> HttpResponse:
    return _entry_confirm(_org_keeping(request), pk)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(KEEP_ENTRIES)
@one_submission
def code_new(request: OrgRequest, pk: int) -> HttpResponse:
    return _code_new(_org_keeping(request), pk)


@require_POST
@org_view(KEEP_ENTRIES)
def code_remove_view(request: OrgRequest, pk: int, code_pk: int) -> HttpResponse:
    return _code_remove(_org_keeping(request), pk, code_pk)


@require_safe
@login_required
def partnership_manage(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The partnership's entries, for its leads."""
    return _manage(_partnership_keeping(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@one_submission
def partnership_entry_new(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    return _entry_new(_partnership_keeping(request, slug))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def partnership_entry_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _entry_edit(_partnership_keeping(request, slug), pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def partnership_entry_remove(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _entry_remove(_partnership_keeping(request, slug), pk)


@require_POST
@login_required
def partnership_entry_confirm(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _entry_confirm(_partnership_keeping(request, slug), pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@one_submission
def partnership_code_new(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _code_new(_partnership_keeping(request, slug), pk)


@require_POST
@login_required
def partnership_code_remove(
    request: AuthenticatedRequest, slug: str, pk: int, code_pk: int
) -> HttpResponse:
    return _code_remove(_partnership_keeping(request, slug), pk, code_pk)

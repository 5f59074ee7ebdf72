"""Pages of the organisation's policies: the list staff read, one policy with its history, an
earlier version, and HR's edit page with Preview, Save draft and Publish.

Thin views: the rules are ``policies.services``'s; who reads what is ``policies.selectors``'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learning.public import render_markdown
from organisations.access import org_view
from organisations.types import OrgRequest
from policies.forms import PolicyForm
from policies.rules import MANAGE, VIEW
from policies.selectors import access_policy, access_version, kind_of, policies_of
from policies.services import policy_publish, policy_save_draft
from shared.forms import attempt


def _markdown(request: OrgRequest, text: str) -> SafeString:
    return render_markdown(text, org_slug=request.organisation.slug)


@require_safe
@org_view(VIEW)
def home(request: OrgRequest) -> HttpResponse:
    """Both policies, as published now; HR also sees which have unpublished drafts."""
    policies = policies_of(organisation=request.organisation)
    return render(
        request,
        "policies/home.html",
        {
            "organisation": request.organisation,
            "policies": policies,
            "any_published": any(state.current for state in policies),
            "manages": request.user.has_perm(MANAGE, request.organisation),
        },
    )


@require_safe
@org_view(VIEW)
def policy(request: OrgRequest, kind: str) -> HttpResponse:
    """The version that applies now, with its number and date, and the list of earlier ones."""
    manages = request.user.has_perm(MANAGE, request.organisation)
    state = access_policy(organisation=request.organisation, kind=kind, manages=manages)
    current = state.current
    return render(
        request,
        "policies/policy.html",
        {
            "organisation": request.organisation,
            "state": state,
            "version": current,
            "body": _markdown(request, current.body) if current else None,
            "manages": manages,
        },
    )


@require_safe
@org_view(VIEW)
def version(request: OrgRequest, kind: str, number: int) -> HttpResponse:
    found = access_version(organisation=request.organisation, kind=kind, number=number)
    latest = access_policy(organisation=request.organisation, kind=kind, manages=False).current
    return render(
        request,
        "policies/version.html",
        {
            "organisation": request.organisation,
            "kind": kind_of(kind),
            "version": found,
            "body": _markdown(request, found.body),
            "latest": latest,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view(MANAGE)
def edit(request: OrgRequest, kind: str) -> HttpResponse:
    """The draft. "Preview" shows it below the form as staff would read it and saves nothing;
    "Save draft" keeps it for later; "Publish" makes it the next version for everyone."""
    state = access_policy(organisation=request.organisation, kind=kind, manages=True)
    preview: SafeString | None = None
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            text, expected = form.text(), form.cleaned_data["version"]
            if "publish" in request.POST:
                published = attempt(
                    form,
                    lambda: policy_publish(
                        organisation=request.organisation,
                        kind=state.kind,
                        user=request.user,
                        text=text,
                        expected_version=expected,
                    ),
                )
                if published is not None:
                    messages.success(
                        request,
                        _("Version %(number)s is published: staff read it now.")
                        % {"number": published.number},
                    )
                    return redirect("policies:policy", request.organisation.slug, state.kind)
            elif "save" in request.POST:
                saved = attempt(
                    form,
                    lambda: policy_save_draft(
                        organisation=request.organisation,
                        kind=state.kind,
                        user=request.user,
                        text=text,
                        expected_version=expected,
                    ),
                )
                if not form.errors:
                    if saved:
                        messages.success(
                            request, _("Your draft is saved. Staff still read the published one.")
                        )
                    return redirect("policies:home", request.organisation.slug)
            else:
                preview = _markdown(request, form.cleaned_data["body"])
    else:
        draft = state.policy
        form = PolicyForm(
            initial={
                "version": draft.version if draft else 0,
                "summary": draft.summary if draft else "",
                "body": draft.body if draft else "",
                "link": draft.link if draft else "",
                "changes": draft.changes if draft else "",
            }
        )
    return render(
        request,
        "policies/edit.html",
        {
            "organisation": request.organisation,
            "state": state,
            "form": form,
            "preview": preview,
            "preview_summary": form.cleaned_data.get("summary") if preview is not None else "",
        },
    )

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from guidance.public import search_help
from organisations.access import org_view
from organisations.types import OrgRequest
from search.forms import SearchForm
from search.selectors import people_for


@require_safe
@org_view("organisations.use_organisation")
def results(request: OrgRequest) -> HttpResponse:
    """People the reader may already open, and help pages, matching what they typed."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = people_for(
        viewer=request.user,
        organisation=request.organisation,
        query=query,
        page=request.GET.get("page"),
        today=timezone.localdate(),
    )
    # Help is short: all of it on the first page of results.
    help_results = search_help(query) if query and people.number == 1 else []
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "search/results.html",
        {
            "organisation": request.organisation,
            "form": form,
            "query": query,
            "page": people,
            "help_results": help_results,
            "keep": keep.urlencode(),
        },
    )

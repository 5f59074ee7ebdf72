"""The help pages: open to anyone, signed in or not, as they hold no organisation's data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from guidance.content import GLOSSARY, page_for, pages_by_audience


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/index.html", {"groups": pages_by_audience()})


@require_safe
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "guidance/glossary.html", {"terms": GLOSSARY})


@require_safe
def page(request: HttpRequest, slug: str) -> HttpResponse:
    found = page_for(slug)
    if found is None:
        raise Http404
    related = [p for p in (page_for(s) for s in found.related) if p is not None]
    return render(
        request,
        "guidance/page.html",
        {"page": found, "related": related},
    )

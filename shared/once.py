"""One submission per form: a form that only adds records, sent twice, adds them once.

A double click, a browser that sends a form again after a slow answer, or the back button
and "send again" would otherwise make two conversation notes, two invitations or two API
tokens. Each such form carries a hidden one-time token (``shared.forms.OnceForm``), and
its view is wrapped in ``one_submission``, which records the token in the same transaction
as whatever the view writes:

- the first submission inserts the token's row, runs the view and keeps the row, with the
  address the view sent the person to;
- a second submission with the same token waits on the row's unique index until the first
  has finished, then finds it used: the view is not run again, and the person is sent where
  the first one went, with a message that says nothing of what the form held;
- a submission the view does not accept (the form is shown again with its errors) leaves no
  row, so the person can correct it and send it again with the same token.

A POST without a token is handled as before: browsers always send the one the page holds,
and only tests and hand-made requests leave it out (the API has its own endpoints). A token
counts only for the person who was signed in when it was used. Used tokens are deleted after
a day by the daily housekeeping (``submissions_prune``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.forms import FORM_TOKEN
from shared.models import FormSubmission

#: What ``shared.forms.new_form_token`` makes, with room to spare; anything else is ignored.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: Set on the request by ``submission_done``.
_DONE = "_carershub_once_location"
#: How long a used token is remembered: far longer than any repeat of the same page.
KEPT_FOR = timedelta(days=1)
#: The views wrapped in ``one_submission``, by module and name, for the test that checks
#: every form posting to one carries a token and a button that ignores a double click.
PROTECTED_VIEWS: set[str] = set()


def view_name(view: Callable[..., Any]) -> str:
    """A view's module and name; the same through decorators that use ``functools.wraps``."""
    return f"{getattr(view, '__module__', '')}.{getattr(view, '__qualname__', '')}"


def is_protected(view: Callable[..., Any]) -> bool:
    return view_name(view) in PROTECTED_VIEWS


def submission_done(request: HttpRequest, *, location: str | None = None) -> None:
    """Say that a view which answers with a page rather than a redirect has done its work.

    For a page that shows, once, what the submission made (a new API token's secret): a
    repeat is then sent to ``location`` (by default the same address) instead of being run.
    """
    setattr(request, _DONE, location or request.get_full_path())


def _outcome(request: HttpRequest, response: HttpResponse) -> str | None:
    """Where the person went if the view did its work, or None if it showed the form again."""
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        return str(response["Location"])
    location = getattr(request, _DONE, None)
    return str(location) if location is not None else None


def one_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a view that adds records at most once per form token (see the module's notes).

    Put it below the login and permission decorators, so a refused request records nothing.
    A redirect counts as done, whether it reports success or a refusal that sending again
    would not change; only a page shown again (the form with its errors) frees the token.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get(FORM_TOKEN, "") if request.method == "POST" else ""
        if not _TOKEN.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                # In a savepoint, so a clash leaves the transaction usable. On PostgreSQL a
                # second insert of the same token waits here until the first commits.
                with transaction.atomic():
                    used = FormSubmission.objects.create(
                        user=request.user, token=token, path=request.path[:255]
                    )
            except IntegrityError:
                first = FormSubmission.objects.filter(user=request.user, token=token).first()
                messages.info(request, _("That was already sent, so it has not been sent again."))
                return HttpResponseRedirect(first.location if first else request.path)
            response = view(request, *args, **kwargs)
            location = _outcome(request, response)
            if location is None:
                used.delete()
            else:
                used.location = location
                used.save(update_fields=["location"])
            return response

    PROTECTED_VIEWS.add(view_name(view))
    return wrapper


def submissions_prune() -> int:
    """Forget used form tokens older than ``KEPT_FOR``; the number deleted."""
    deleted, _by_model = FormSubmission.objects.filter(
        created_at__lt=timezone.now() - KEPT_FOR
    ).delete()
    return deleted

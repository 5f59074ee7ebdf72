"""Every email goes through the outbox: kept in the database until it is sent or given up on.

A page saves the rendered message as an ``OutboundEmail`` and queues ``deliver_email`` with
nothing but its id. The task claims the row, sends it and wipes its personal data. So:

- **A failed send is tried again**, after ``EMAIL_RETRY_SECONDS``, then twice as long each
  time up to an hour, ``EMAIL_MAX_ATTEMPTS`` times in all; an SMTP server that refuses the
  message for good (a 5xx answer to its recipients or its data) fails it at once.
- **A worker that dies mid-send loses nothing.** The claim lasts
  ``EMAIL_SEND_LEASE_SECONDS``; after that ``outbox_recover`` (every two minutes, and when a
  worker starts) queues the email again and marks the dead worker's task failed.
- **A lost task loses nothing**: an email still waiting two minutes after it was due (its
  task was never queued because the Redis queue was down, or the queue lost it) is queued
  again by the same sweep.
- **An admin can send failed emails again** (``outbox_requeue``), from the Django admin or
  ``manage.py requeue_failed_emails``.

Delivery is at least once, not exactly once: if a worker dies after the mail server took the
message but before it could record that, the email goes again. It keeps its Message-ID, so
a receiving system can tell the repeat from a new email. Nothing here logs a recipient, a
subject or a body.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskContext, task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.utils import timezone

from shared.models import OutboundEmail
from shared.printable import one_line
from shared.queue import is_redis_error, task, task_mark_abandoned

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status

#: A queued email's task should have started this long after it was due; if not, it is lost.
QUEUE_GRACE = timedelta(minutes=2)
#: A task run a little before its email is due (clocks differ) still sends it.
EARLY_ALLOWANCE = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
#: Sent and failed emails are deleted this long after they finished.
KEEP_FINISHED = timedelta(days=14)


#: Told the Message-IDs of emails that will never arrive: refused for good, given up on, or
#: reported later by a bounce (``outbox_report_bounces``). Registered by the apps whose emails
#: carry something to act on (an invitation nobody received); this layer knows none of them.
UndeliveredListener = Callable[[list[str]], object]
_undelivered_listeners: list[UndeliveredListener] = []


def register_undelivered_listener(listener: UndeliveredListener) -> None:
    if listener not in _undelivered_listeners:
        _undelivered_listeners.append(listener)


def _tell_undelivered(message_ids: list[str]) -> None:
    message_ids = [message_id for message_id in message_ids if message_id]
    if not message_ids:
        return
    for listener in _undelivered_listeners:
        try:
            listener(message_ids)
        except Exception:
            # The email's own state is recorded; a listener's trouble must not undo it.
            logger.exception("An undelivered-email listener failed")


def outbox_report_bounces(message_ids: list[str]) -> None:
    """Emails that the mail server took but that came back undelivered (a bounce, read by
    ``manage.py record_email_bounces``). Their outbox rows, if still kept, hold nothing to send
    again, so only the listeners are told."""
    _tell_undelivered(message_ids)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: doubling from
    ``EMAIL_RETRY_SECONDS``, never more than an hour."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), LONGEST_WAIT)


# -- queueing ----------------------------------------------------------------------------------


def outbox_add(
    *,
    subject: str,
    text: str,
    html: str,
    to: list[str],
    template: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
    message_id: str = "",
) -> OutboundEmail:
    """Keep the email and queue its delivery.

    Inside a transaction the email is only kept if the transaction commits. The task is queued
    in the same transaction on the database queue; on Redis once it has committed (the worker
    could not see the row before). If the queue cannot be reached, the email waits here and
    ``outbox_recover`` queues it when the queue is back: the page that asked is not broken.
    The subject is kept on one line without control characters, whoever rendered it.
    ``message_id`` is one from ``new_message_id``, or else a new one is made.
    """
    email = OutboundEmail.objects.create(
        template=template,
        to=list(to),
        subject=one_line(subject),
        text=text,
        html=html,
        attachments=[list(item) for item in attachments or []],
        message_id=message_id or new_message_id(),
    )
    if _queue_shares_the_database():
        _schedule(email.pk)
    else:
        email_id = email.pk
        transaction.on_commit(lambda: _schedule(email_id))
    return email


def new_message_id() -> str:
    """A Message-ID for an email about to be queued, for a caller that must record it first
    (an invitation, so that a bounce finds it whenever the email is sent)."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def outbox_add_message(message: EmailMessage, *, template: str = "") -> OutboundEmail:
    """Queue an email another library rendered (django-allauth's password reset)."""
    html = ""
    for alternative in getattr(message, "alternatives", []):
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            html = str(content)
    return outbox_add(
        subject=str(message.subject),
        text=str(message.body),
        html=html,
        to=list(message.to),
        template=template,
    )


def _queue_shares_the_database() -> bool:
    backend = task_backends[deliver_email.backend]
    return isinstance(backend, ImmediateBackend) or backend.__class__.__module__.startswith(
        "django_tasks_db."
    )


def _schedule(email_id: int, *, at: datetime | None = None) -> None:
    """Queue a delivery; a retry at ``at`` if the queue can wait, or else leave it to the sweep."""
    job = deliver_email
    if at is not None:
        if not task_backends[deliver_email.backend].supports_defer:
            return  # outbox_recover sends it once it is due
        job = deliver_email.using(run_after=at)
    try:
        job.enqueue(email_id=email_id)
    except Exception as exc:
        if not is_redis_error(exc):
            raise
        logger.warning(
            "Email %s kept in the outbox: the task queue is unavailable (%s)",
            email_id,
            type(exc).__name__,
        )


# -- sending -----------------------------------------------------------------------------------


@task(takes_context=True, queue_name="email")
def deliver_email(context: TaskContext[..., str], *, email_id: int) -> str:
    """Send one email from the outbox; what happened, in a word, as the task's result."""
    return outbox_deliver(email_id=email_id, task_id=str(context.task_result.id))


def outbox_deliver(*, email_id: int, task_id: str) -> str:
    email = _claim(email_id=email_id, task_id=task_id)
    if email is None:
        return "skipped"
    try:
        _message(email).send()
    except Exception as exc:  # every failure is recorded, then retried or failed
        return _attempt_failed(email, exc)
    finished = OutboundEmail.objects.filter(
        pk=email.pk, status=Status.SENDING, task_id=email.task_id
    ).update(
        status=Status.SENT,
        finished_at=timezone.now(),
        task_id="",
        last_error="",
        to=[],
        subject="",
        text="",
        html="",
        attachments=[],
    )
    if not finished:
        # The claim ran out while sending and another attempt took over: it may send it too.
        logger.warning("Email %s was sent after its claim had run out", email.pk)
    return "sent"


def _claim(*, email_id: int, task_id: str) -> OutboundEmail | None:
    """Mark the email as being sent by this task, if it is due and nobody else is sending it."""
    now = timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in {Status.SENT, Status.FAILED}:
            return None
        if email.due_at > now + EARLY_ALLOWANCE:
            return None  # a retry that is not due yet, or an attempt still under way
        if email.status == Status.SENDING:
            task_mark_abandoned(email.task_id)  # its claim ran out: the worker stopped
            if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                _give_up(email, error="WorkerStopped")
                return None
        email.status = Status.SENDING
        email.attempts += 1
        email.due_at = now + timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
        email.task_id = task_id or uuid.uuid4().hex
        email.save(update_fields=["status", "attempts", "due_at", "task_id"])
    return email


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        # Kept before subjects were cleaned, a line break would fail every attempt.
        subject=one_line(email.subject),
        body=email.text,
        to=email.to,
        headers={"Message-ID": email.message_id},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    return message


def _describe(exc: Exception) -> str:
    """The kind of failure, without the server's words (they may quote the address)."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = ",".join(sorted({str(c) for c, _ in exc.recipients.values()}))
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def _refused_for_good(exc: Exception) -> bool:
    """A 5xx answer to the recipients or to the message itself: sending again would not help.
    A refused sign-in (also 5xx) is not counted, as fixing the password fixes it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _attempt_failed(email: OutboundEmail, exc: Exception) -> str:
    error = _describe(exc)
    ours = OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING, task_id=email.task_id)
    if _refused_for_good(exc) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        if ours.update(
            status=Status.FAILED, finished_at=timezone.now(), task_id="", last_error=error
        ):
            _tell_undelivered([email.message_id])
        logger.warning(
            "Email %s failed after %d attempts (%s); an admin can send it again",
            email.pk,
            email.attempts,
            error,
        )
        return "failed"
    due = timezone.now() + retry_delay(email.attempts)
    if ours.update(status=Status.QUEUED, due_at=due, task_id="", last_error=error):
        logger.warning(
            "Email %s not sent (%s); attempt %d of %d, next at %s",
            email.pk,
            error,
            email.attempts,
            settings.EMAIL_MAX_ATTEMPTS,
            due.isoformat(timespec="seconds"),
        )
        _schedule(email.pk, at=due)
    return "retrying"


def _give_up(email: OutboundEmail, *, error: str) -> None:
    email.status = Status.FAILED
    email.finished_at = timezone.now()
    email.task_id = ""
    email.last_error = error
    email.save(update_fields=["status", "finished_at", "task_id", "last_error"])
    logger.warning("Email %s failed after %d attempts (%s)", email.pk, email.attempts, error)
    message_id = email.message_id
    transaction.on_commit(lambda: _tell_undelivered([message_id]))


# -- recovery, re-sending and pruning ----------------------------------------------------------


def outbox_recover(*, limit: int = 500) -> int:
    """Queue again the emails that should be going but have no live task; return how many.

    That is an email being sent whose claim has run out (its worker stopped) and an email
    waiting for longer than ``QUEUE_GRACE`` after it was due (its task was lost, or never
    queued because the queue was down). A second task for an email is harmless: the first
    to claim it sends it, the other finds nothing to do.
    """
    now = timezone.now()
    stale = OutboundEmail.objects.filter(
        Q(status=Status.SENDING, due_at__lte=now)
        | Q(status=Status.QUEUED, due_at__lte=now - QUEUE_GRACE)
    ).order_by("due_at")[:limit]
    count = 0
    for email_id, status in stale.values_list("pk", "status"):
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
            if email is None or email.status != status or email.due_at > now:
                continue  # it moved on meanwhile
            if email.status == Status.SENDING:
                task_mark_abandoned(email.task_id)
                if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                    _give_up(email, error="WorkerStopped")
                    continue
                email.last_error = "WorkerStopped"
            email.status = Status.QUEUED
            email.due_at = now  # so the next sweep waits QUEUE_GRACE for this task
            email.task_id = ""
            email.save(update_fields=["status", "due_at", "task_id", "last_error"])
        logger.info("Email %s queued again", email_id)
        _schedule(email_id)
        count += 1
    return count


def outbox_requeue(*, ids: Iterable[int] | None = None) -> int:
    """Send failed emails again (all of them, or those in ``ids``), with a fresh set of
    attempts; return how many. For an admin, once the mail server is fixed."""
    failed = OutboundEmail.objects.filter(status=Status.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    now = timezone.now()
    email_ids = list(failed.values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=email_ids, status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, due_at=now, finished_at=None
    )
    for email_id in email_ids:
        _schedule(email_id)
    return len(email_ids)


def outbox_prune(*, now: datetime | None = None) -> int:
    """Delete emails sent or failed more than ``KEEP_FINISHED`` ago; return how many.

    A sent email's personal data went when it was sent; a failed one keeps its text until
    now, so that it can be sent again."""
    cutoff = (now or timezone.now()) - KEEP_FINISHED
    deleted, _ = OutboundEmail.objects.filter(
        status__in=[Status.SENT, Status.FAILED], finished_at__lt=cutoff
    ).delete()
    return deleted


def outbox_delayed(*, older_than: timedelta = timedelta(minutes=10)) -> bool:
    """Whether an email still unsent was queued, or was due, more than ``older_than`` ago: no
    worker runs, or the mail server keeps refusing. Its time to try next is not enough, as
    each refusal moves it on. One indexed query, for ``/healthz``."""
    cutoff = timezone.now() - older_than
    return (
        OutboundEmail.objects.filter(status__in=[Status.QUEUED, Status.SENDING])
        .filter(Q(due_at__lt=cutoff) | Q(created_at__lt=cutoff))
        .exists()
    )

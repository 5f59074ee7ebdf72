"""Reading bounces: delivery status notifications (RFC 3464) that say an email never arrived.

A mail server that takes an email and later cannot deliver it sends a report back to the
envelope sender. Whichever mailbox receives those reports passes them to
``manage.py record_email_bounces`` (a pipe from the mail server, or a mailbox file read on a
schedule: docs/deploy.md, "Bounces"). Only reports whose recipients failed for good count;
a "delayed" report is not a bounce. The email is recognised by the Message-ID the outbox gave
it, quoted in the report's copy of the original headers. Nothing here logs an address.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import BinaryIO

REPORT_PARTS = {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}


def bounced_message_ids(message: Message) -> list[str]:
    """The Message-IDs of our emails that ``message`` reports as undeliverable, if it is a
    delivery status notification with at least one failed recipient; else none."""
    if message.get_content_type() != "multipart/report":
        return []
    failed = False
    quoted: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            failed = failed or _any_recipient_failed(part)
        elif kind in REPORT_PARTS:
            message_id = _quoted_message_id(part)
            if message_id:
                quoted.append(message_id)
    return sorted(set(quoted)) if failed else []


def _any_recipient_failed(part: Message) -> bool:
    blocks = part.get_payload()
    if isinstance(blocks, str):  # not parsed into field groups: parse it here
        text = blocks.replace("\r\n", "\n")
        blocks = [email.message_from_string(chunk) for chunk in text.split("\n\n") if chunk]
    return any(
        str(block.get("Action", "")).strip().lower() == "failed"
        for block in blocks
        if isinstance(block, Message)
    )


def _quoted_message_id(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        headers: Message = payload[0]
    else:
        raw = part.get_payload(decode=True)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
        headers = email.message_from_string(text)
    return str(headers.get("Message-ID", "")).strip()


def messages_in(path: Path) -> Iterator[Message]:
    """Every message in a Maildir folder, an mbox file, or a file holding one message."""
    if path.is_dir():
        yield from mailbox.Maildir(path, factory=None, create=False)
        return
    with path.open("rb") as handle:
        starts_mbox = handle.read(5) == b"From "
    if starts_mbox:
        yield from mailbox.mbox(path, factory=None, create=False)
        return
    with path.open("rb") as handle:
        yield read_message(handle)


def read_message(handle: BinaryIO) -> Message:
    return email.message_from_binary_file(handle, policy=email.policy.compat32)

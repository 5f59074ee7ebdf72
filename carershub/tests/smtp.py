"""A real SMTP server on localhost that keeps what it receives, for email tests.

``smtp_sink`` yields the list of messages received. ``smtp_server`` yields the ``Sink`` itself,
which can also refuse recipients, answer DATA with an error a number of times before
accepting, hold its answer to a message (as a slow server would) until told to let go, or
stop listening and start again on the same port (a mail server down and back).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any
from typing import Any as SettingsWrapper

import pytest
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        #: Answers to give to the next DATA commands, one each, before accepting again.
        self.data_answers: list[str] = []
        #: If set, the answer to every RCPT TO (a refusal such as "550 5.1.1 No such user").
        self.rcpt_answer: str | None = None
        #: Hold the answer to the next message received (after keeping it) until ``release``.
        self.hold_next = False
        self.received = threading.Event()
        self.release = threading.Event()
        self.port = 0
        self._controller: Controller | None = None

    def listen(self) -> None:
        """Accept connections: on a free port, or on the same one again after ``stop``."""
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port or _free_port())
        self._controller.start()
        self.port = self._controller.port

    def stop(self) -> None:
        """Close the port: connections are refused, as by a mail server that is down."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_answers:
            return self.data_answers.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content))
        self.received.set()
        if self.hold_next:
            self.hold_next = False
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_sink() -> Iterator[Sink]:
    sink = Sink()
    sink.listen()
    try:
        yield sink
    finally:
        sink.release.set()
        sink.stop()


@pytest.fixture
def smtp_server(settings: SettingsWrapper) -> Iterator[Sink]:
    """Point Django's SMTP backend at a local server; yields the server."""
    with running_sink() as sink:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": sink.port,
                    "use_tls": False,
                    "timeout": 10,
                },
            }
        }
        yield sink


@pytest.fixture
def smtp_sink(smtp_server: Sink) -> list[Message]:
    """Point Django's SMTP backend at a local server; yields the list of received messages."""
    return smtp_server.messages

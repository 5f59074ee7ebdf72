"""A person at a browser, reduced to HTTP: signs in (with an authenticator code), reads pages,
fills in their forms as the page gives them (every hidden field kept), and can be sent to
either web server with the same session, as a load balancer would.

The site runs with production settings, so its cookies are marked Secure; the servers listen
on plain HTTP on loopback (standing for the network behind the HTTPS load balancer), so the
cookies are kept without that mark to be sent back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from html.parser import HTMLParser
from typing import Any

import requests

TIMEOUT = 60


def totp(secret: str, *, at: float | None = None) -> str:
    """The six-digit authenticator code for ``secret`` now (RFC 6238, as allauth checks it)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


_used: dict[str, str] = {}


# allauth accepts only the current 30-second window's code (no tolerance either side), and the
# code is typed a page load before the server checks it: on a busy machine that load can take
# seconds, so a code with less than this left to run is not offered.
FRESH_FOR = 10


def unused_totp(secret: str) -> str:
    """A code for ``secret`` not used before and with time left to run: allauth refuses a
    code twice (a replay), so a second sign-in in the same 30 seconds waits for the next code."""
    while (code := totp(secret)) == _used.get(secret) or 30 - time.time() % 30 < FRESH_FOR:
        time.sleep(0.5)
    _used[secret] = code
    return code


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = {"action": found.get("action", ""), "fields": {}}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and found.get("name"):
            kind = found.get("type", "text")
            if kind == "hidden" or (kind in {"checkbox", "radio"} and "checked" in found):
                self._current["fields"][found["name"]] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def hidden_fields(page: str, action: str, *, page_path: str = "") -> dict[str, str]:
    """The hidden (and ticked) fields of the first form whose action ends with ``action``
    (a form with no action posts to its own page, ``page_path``)."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        if form["action"] and form["action"].endswith(action):
            return dict(form["fields"])
    for form in parser.forms:
        if not form["action"] and page_path.endswith(action):
            return dict(form["fields"])
    actions = [form["action"] for form in parser.forms]
    raise AssertionError(f"No form posting to {action!r} on the page (forms: {actions})")


class Visitor:
    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def _cookies_sent(self) -> None:
        for cookie in self.session.cookies:
            cookie.secure = False

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        self._cookies_sent()
        return self.session.get(self.base + path, timeout=TIMEOUT, **kwargs)

    def post(self, path: str, data: dict[str, str], **kwargs: Any) -> requests.Response:
        # Django checks the Referer only on HTTPS; the Origin header matches the host here.
        self._cookies_sent()
        return self.session.post(
            self.base + path, data=data, timeout=TIMEOUT, allow_redirects=False, **kwargs
        )

    def submit(
        self, page_path: str, action: str, data: dict[str, str], **kwargs: Any
    ) -> requests.Response:
        """Open ``page_path`` and send its form for ``action`` with ``data`` filled in."""
        page = self.get(page_path)
        page.raise_for_status()
        hidden = hidden_fields(page.text, action, page_path=page_path)
        return self.post(action, {**hidden, **data}, **kwargs)

    def sign_in(self, email: str, password: str, authenticator_key: str | None = None) -> None:
        answer = self.submit(
            "/accounts/login/", "/accounts/login/", {"login": email, "password": password}
        )
        assert answer.status_code == 302, answer.text[-2000:]
        if authenticator_key:
            step = "/accounts/2fa/authenticate/"
            assert answer.headers["Location"].endswith(step), answer.headers["Location"]
            answer = self.submit(step, step, {"code": unused_totp(authenticator_key)})
            assert answer.status_code == 302, answer.text[-2000:]
        assert "/accounts/" not in answer.headers["Location"], answer.headers["Location"]


def authenticator_key(seed_output: str, email: str) -> str | None:
    """The authenticator key seed_demo printed under ``email``'s line, if any."""
    found = re.search(re.escape(email) + r".*\n\s+authenticator key: ([A-Z2-7]+)", seed_output)
    return found.group(1) if found else None

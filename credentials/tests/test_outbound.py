"""Key set fetches never reach this server's own machine, network or cloud metadata.

Real sockets on 127.0.0.1 show loopback is refused. DNS is not ours to run here, so names
that resolve to other addresses are played by replacing ``outbound.resolve``.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from credentials import outbound
from credentials.jwks import FETCH_FAILED, JwksError, fetch_jwks
from credentials.models import TrustedIssuer
from credentials.services import trusted_issuer_add_by_url

pytestmark = pytest.mark.django_db


def _resolving(monkeypatch, table: dict[str, list[str]]) -> list[str]:
    """Make ``outbound.resolve`` answer from ``table``; returns the names asked, in order."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return table[host]

    monkeypatch.setattr(outbound, "resolve", resolve)
    return asked


def _no_connections(monkeypatch) -> list[Any]:
    attempts: list[Any] = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"tried to connect to {address}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "0.0.0.0",  # noqa: S104  an address to refuse, not one to bind
        "::",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "169.254.1.1",
        "fe80::1",
        "fc00::1",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "192.0.2.1",  # documentation
        "169.254.169.254",
        "fd00:ec2::254",
        "100.100.100.200",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    ],
)
def test_addresses_off_limits_are_refused_with_a_reason(address):
    assert outbound.address_refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_allowed(address):
    assert outbound.address_refusal(ipaddress.ip_address(address)) is None


def test_metadata_addresses_are_named_as_such_in_the_log_detail():
    for address in ("169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"):
        reason = outbound.address_refusal(ipaddress.ip_address(address))
        assert reason is not None
        assert "metadata" in reason


def test_a_key_set_on_loopback_is_refused_by_default(world, remote, settings, caplog):
    """A real server on 127.0.0.1 that would answer: the fetch never reaches it."""
    settings.CREDENTIALS_FETCH_ALLOW_LOOPBACK = False

    with (
        caplog.at_level(logging.WARNING, logger="credentials.outbound"),
        pytest.raises(ValidationError) as error,
    ):
        trusted_issuer_add_by_url(organisation=world.org, name="Hub", url=remote.jwks_url, by=None)

    assert error.value.message_dict == {"jwks_url": [FETCH_FAILED]}
    assert remote.requests == []
    assert "loopback" in caplog.text
    assert not TrustedIssuer.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/.well-known/jwks.json",
        "http://[::1]:{port}/.well-known/jwks.json",
        "http://[::ffff:127.0.0.1]:{port}/.well-known/jwks.json",
        "http://2130706433:{port}/.well-known/jwks.json",  # 127.0.0.1 as one number
        "http://0x7f.1:{port}/.well-known/jwks.json",
    ],
)
def test_other_spellings_of_loopback_are_refused(remote, settings, url):
    settings.CREDENTIALS_FETCH_ALLOW_LOOPBACK = False
    port = remote.base_url.rsplit(":", 1)[1]

    with pytest.raises(JwksError, match="could not be fetched"):
        fetch_jwks(url.format(port=port))

    assert remote.requests == []


def test_the_loopback_setting_lets_loopback_through_and_nothing_else(remote, monkeypatch):
    assert fetch_jwks(remote.jwks_url)["keys"][0]["kid"] == remote.kid  # the fixture turns it on
    attempts = _no_connections(monkeypatch)
    _resolving(monkeypatch, {"intranet.example": ["10.0.0.7"]})

    with pytest.raises(JwksError):
        fetch_jwks("http://intranet.example/.well-known/jwks.json")
    assert attempts == []


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.7"],
        ["169.254.169.254"],
        ["fd00:ec2::254"],
        ["::ffff:169.254.169.254"],
        ["93.184.215.14", "192.168.0.10"],  # one bad answer is enough
    ],
)
def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(
    world, monkeypatch, caplog, answers
):
    _resolving(monkeypatch, {"keys.example.org": answers})
    attempts = _no_connections(monkeypatch)

    with (
        caplog.at_level(logging.WARNING, logger="credentials.outbound"),
        pytest.raises(ValidationError) as error,
    ):
        trusted_issuer_add_by_url(
            organisation=world.org,
            name="Hub",
            url="https://keys.example.org/.well-known/jwks.json",
            by=world.hr_admin,
        )

    assert error.value.message_dict == {"jwks_url": [FETCH_FAILED]}
    assert attempts == []
    assert "keys.example.org resolves to" in caplog.text
    assert world.hr_admin.email not in caplog.text  # the log names no person


def test_the_connection_goes_to_the_vetted_address_resolved_once(remote, monkeypatch):
    """The name is looked up once, and the socket opened to that answer: DNS that changes its
    mind between the check and the connection (rebinding) is never asked again."""
    port = remote.base_url.rsplit(":", 1)[1]
    asked = _resolving(monkeypatch, {"keys.example.test": ["127.0.0.1"]})

    jwks = fetch_jwks(f"http://keys.example.test:{port}/.well-known/jwks.json")

    assert jwks["keys"][0]["kid"] == remote.kid
    assert asked == ["keys.example.test"]
    assert remote.requests == [f"keys.example.test:{port}"]  # the Host header keeps the name


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://user:secret@example.org/jwks.json",
    ],
)
def test_literal_metadata_addresses_and_user_information_are_refused(monkeypatch, caplog, url):
    attempts = _no_connections(monkeypatch)

    with (
        caplog.at_level(logging.WARNING, logger="credentials.outbound"),
        pytest.raises(JwksError) as error,
    ):
        fetch_jwks(url)

    assert str(error.value) == FETCH_FAILED
    assert attempts == []
    assert "secret" not in caplog.text


def test_every_failure_tells_the_person_the_same_thing(remote, caplog):
    """Refused, unreachable, an error, a redirect, too big, not a key set: one message."""
    outcomes = []
    with caplog.at_level(logging.WARNING, logger="credentials.outbound"):
        for status, document in (
            (500, remote.document),
            (302, remote.document),
            (404, remote.document),
            (200, {"not": "a key set"}),
            (200, {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "a", "d": "b", "kid": "k"}]}),
            (200, {"keys": [], "padding": "x" * 300_000}),
        ):
            remote.status, remote.document = status, document
            with pytest.raises(JwksError) as error:
                fetch_jwks(remote.jwks_url)
            outcomes.append(str(error.value))
        with pytest.raises(JwksError) as error:
            fetch_jwks("http://127.0.0.1:1/nothing-listens-here")
        outcomes.append(str(error.value))

    assert set(outcomes) == {FETCH_FAILED}
    assert "answered 500" in caplog.text
    assert "redirecting to http://127.0.0.1:1/elsewhere" in caplog.text
    assert "private key" in caplog.text
    assert len([r for r in remote.requests if r]) == 6  # the redirect was not followed


def test_only_the_scheme_is_explained_because_it_is_about_what_was_typed(settings):
    settings.PRODUCTION = True

    with pytest.raises(JwksError, match="starting with https"):
        fetch_jwks("http://keys.example.org/.well-known/jwks.json")


def test_a_server_that_never_answers_is_given_up_on_in_time(monkeypatch, settings):
    settings.CREDENTIALS_FETCH_ALLOW_LOOPBACK = True
    monkeypatch.setattr("credentials.jwks.FETCH_TIMEOUT_SECONDS", 0.3)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        with pytest.raises(JwksError):
            fetch_jwks(f"http://127.0.0.1:{silent.getsockname()[1]}/jwks.json")
    finally:
        silent.close()


def test_production_refuses_to_start_with_loopback_allowed():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "carers.example.org",
        "SITE_URL": "https://carers.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
        "CREDENTIALS_ENCRYPTION_KEYS": "A" * 43 + "=",
        "EMAIL_HOST": "smtp.example.org",
    }
    start = [sys.executable, "-c", "import carershub.settings"]
    cwd = django_settings.BASE_DIR

    assert subprocess.run(start, env=env, cwd=cwd, capture_output=True).returncode == 0
    refused = subprocess.run(
        start, env={**env, "CREDENTIALS_FETCH_ALLOW_LOOPBACK": "true"}, cwd=cwd, capture_output=True
    )
    assert refused.returncode != 0
    assert b"CREDENTIALS_FETCH_ALLOW_LOOPBACK cannot be on" in refused.stderr


# TLS: connecting to the vetted address still checks the certificate against the name ------


@pytest.fixture
def tls_remote(remote, tmp_path: Path, monkeypatch) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate is for keys.example.test only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keys.example.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("keys.example.test")]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    document = json.dumps(remote.document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serving.load_cert_chain(cert_file, key_file)
    server.socket = serving.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def trusting_the_test_certificate() -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(cert_file))
        return context

    monkeypatch.setattr(outbound, "tls_context", trusting_the_test_certificate)
    _resolving(
        monkeypatch,
        {"keys.example.test": ["127.0.0.1"], "impostor.example.test": ["127.0.0.1"]},
    )
    yield str(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_https_to_the_vetted_address_verifies_the_certificate_for_the_name(tls_remote, remote):
    jwks = fetch_jwks(f"https://keys.example.test:{tls_remote}/.well-known/jwks.json")

    assert jwks["keys"][0]["kid"] == remote.kid


def test_a_certificate_for_another_name_is_refused(tls_remote, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="credentials.outbound"),
        pytest.raises(JwksError) as error,
    ):
        fetch_jwks(f"https://impostor.example.test:{tls_remote}/.well-known/jwks.json")

    assert str(error.value) == FETCH_FAILED
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text or "hostname" in caplog.text.lower()

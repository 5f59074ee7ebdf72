"""Real object stores for the storage tests, and the site pointed at them.

Two servers run as separate processes on free loopback ports, once per test process:
moto's S3 server, and Azurite, Microsoft's Azure Blob Storage emulator (an npm package that
``make azurite`` installs in ``scripts/azurite/``). The site reaches them over HTTP as it would reach
a bucket or a container anywhere else; nothing in the site's process is patched.

``s3`` and ``azure`` give a test an empty bucket or container of its own and switch the
default storage to it, with the options that ``carershub/settings.py`` builds from the
``STORAGE_*`` variables (run on them, not written out again here); ``store`` runs a test on
each. The local media directory must stay empty meanwhile: a file written there instead of
to the store fails the test.
"""

from __future__ import annotations

import copy
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from azure.storage.blob import BlobServiceClient

from carershub.tests.settings_env import settings_built

AZURITE = Path(__file__).resolve().parents[2] / "scripts/azurite/node_modules/.bin/azurite-blob"
REGION = "eu-west-2"
KEY_ID = "carershub-test-key"
SECRET = "carershub-test-secret"  # moto accepts any key
PLACEHOLDER = "placeholder"
#: Azurite's one account, with the key its documentation publishes for every copy.
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def settings_storage(**env: str) -> dict[str, Any]:
    """STORAGES["default"] as the site builds it at start-up from ``env``."""
    return settings_built(**env)["STORAGES"]["default"]


def _serve(command: list[str], log: Path, pattern: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server that prints the address it listens on, and wait until it does."""
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (found := re.search(pattern, log.read_text(errors="replace"))):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"{command[0]} did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return server, found.group(1)


@dataclass(frozen=True)
class Server:
    kind: str
    endpoint: str
    #: STORAGES["default"] as settings builds it for this server (with a placeholder name).
    storage: dict[str, Any] = field(default_factory=dict)

    def env(self, name: str, **more: str) -> dict[str, str]:
        """The variables that point a fresh process of the site at bucket or container ``name``."""
        if self.kind == "s3":
            return {
                "STORAGE_BACKEND": "s3",
                "STORAGE_S3_BUCKET": name,
                "STORAGE_S3_ENDPOINT_URL": self.endpoint,
                "STORAGE_S3_REGION": REGION,
                "STORAGE_S3_ACCESS_KEY_ID": KEY_ID,
                "STORAGE_S3_SECRET_ACCESS_KEY": SECRET,
                # A server on an IP address has no bucket host names.
                "STORAGE_S3_ADDRESSING_STYLE": "path",
                **more,
            }
        return {
            "STORAGE_BACKEND": "azure",
            "STORAGE_AZURE_CONTAINER": name,
            "STORAGE_AZURE_CONNECTION_STRING": self.connection_string,
            **more,
        }

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint={self.endpoint}/{AZURITE_ACCOUNT};"
        )

    def built(self) -> Server:
        return Server(self.kind, self.endpoint, settings_storage(**self.env(PLACEHOLDER)))


@dataclass
class Store:
    """A bucket or container of one test's own, read and written around the site."""

    server: Server
    name: str
    media_root: Path
    client: Any = None

    def __post_init__(self) -> None:
        if self.server.kind == "s3":
            self.client = boto3.client(
                "s3",
                endpoint_url=self.server.endpoint,
                region_name=REGION,
                aws_access_key_id=KEY_ID,
                aws_secret_access_key=SECRET,
            )
            self.client.create_bucket(
                Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        else:
            service = BlobServiceClient.from_connection_string(self.server.connection_string)
            self.client = service.create_container(self.name)

    def keys(self) -> list[str]:
        if self.server.kind == "s3":
            found = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
            return sorted(item["Key"] for item in found)
        return sorted(self.client.list_blob_names())

    def body(self, key: str) -> bytes:
        if self.server.kind == "s3":
            return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return self.client.download_blob(key).readall()

    def delete(self, key: str) -> None:
        if self.server.kind == "s3":
            self.client.delete_object(Bucket=self.name, Key=key)
        else:
            self.client.delete_blob(key)

    def plain_url(self, key: str) -> str:
        """The object's address with nothing to sign it, as anyone on the network could try."""
        if self.server.kind == "s3":
            return f"{self.server.endpoint}/{self.name}/{key}"
        return f"{self.server.endpoint}/{AZURITE_ACCOUNT}/{self.name}/{key}"

    def local_files(self) -> list[Path]:
        return [p for p in self.media_root.rglob("*") if p.is_file()]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server, endpoint = _serve(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
        tmp_path_factory.mktemp("moto") / "server.log",
        r"Running on (http://127\.0\.0\.1:\d+)",
    )
    try:
        yield Server("s3", endpoint).built()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _azurite() -> str:
    command = os.environ.get("AZURITE_BLOB") or str(AZURITE)
    if not Path(command).exists():
        message = f"Azurite is not installed at {command}: run make azurite, or set AZURITE_BLOB"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return command


@pytest.fixture(scope="session")
def azure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server, endpoint = _serve(
        [
            _azurite(),
            *("--blobHost", "127.0.0.1", "--blobPort", "0"),
            "--inMemoryPersistence",
            # The Azure library may speak a newer version of the API than this Azurite knows.
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--silent",
        ],
        tmp_path_factory.mktemp("azurite") / "server.log",
        r"listens on (http://127\.0\.0\.1:\d+)",
    )
    try:
        yield Server("azure", endpoint).built()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _use(server: Server, settings: Any, tmp_path: Path) -> Iterator[Store]:
    name = f"carershub-{secrets.token_hex(6)}"
    media_root = tmp_path / "media"
    media_root.mkdir()
    store = Store(server, name, media_root)
    storage = copy.deepcopy(server.storage)
    storage["OPTIONS"]["bucket_name" if server.kind == "s3" else "azure_container"] = name
    settings.MEDIA_ROOT = str(media_root)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    yield store
    assert store.local_files() == [], "a file was written to local disk, not to the store"


@pytest.fixture
def s3(s3_server: Server, settings: Any, tmp_path: Path) -> Iterator[Store]:
    """An empty bucket of the test's own as the default storage; local disk stays empty."""
    yield from _use(s3_server, settings, tmp_path)


@pytest.fixture
def azure(azure_server: Server, settings: Any, tmp_path: Path) -> Iterator[Store]:
    """An empty container of the test's own as the default storage; local disk stays empty."""
    yield from _use(azure_server, settings, tmp_path)


@pytest.fixture(params=["s3", "azure"])
def store(request: pytest.FixtureRequest) -> Store:
    """The test runs once on each object store."""
    return request.getfixturevalue(request.param)

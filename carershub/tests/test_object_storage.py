"""Uploaded files on object storage: chosen by variables, shared by servers, private, streamed.

The tests run on moto's S3 server and on Azurite, Azure Blob Storage's emulator, each in its
own process (``carershub/tests/object_stores.py``). Azurite is not Azure: the Azure backend
is tested as far as an emulator can test it (docs/deploy.md says so).
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from carershub.tests.object_stores import PLACEHOLDER, settings_storage
from carershub.tests.settings_env import settings_built
from carershub.tests.test_settings_and_health import PRODUCTION, run_python
from shared.env import ConfigError
from shared.storage import CHUNK_BYTES

MIB = 1024 * 1024


def fresh_storage() -> Any:
    """A storage made anew from the settings, as another web server would make it."""
    options: Any = django_settings.STORAGES["default"]
    return storages.create_storage(options)


def test_a_saved_file_is_an_object_in_the_store(store: Any) -> None:
    name = default_storage.save("benchmarks/evidence/abc", ContentFile(b"minutes"))
    assert store.keys() == ["benchmarks/evidence/abc"]
    assert store.body(name) == b"minutes"
    assert default_storage.exists(name)
    assert default_storage.size(name) == len(b"minutes")


def test_a_file_saved_by_one_server_is_read_by_another(store: Any) -> None:
    here = b"written here\n" * 10_000
    name = default_storage.save("staff-imports/1/here.csv", ContentFile(here))
    with fresh_storage().open(name, "rb") as handle:
        assert handle.read() == here

    # Another process, configured only by the variables a deployment would set.
    other = run_python(
        "import hashlib, django; django.setup(); "
        "from django.core.files.base import ContentFile; "
        "from django.core.files.storage import default_storage as s; "
        f"h = s.open({name!r}); print(hashlib.sha256(h.read()).hexdigest()); h.close(); "
        "print(s.save('staff-imports/1/there.csv', ContentFile(b'written there')))",
        **store.server.env(store.name),
    )
    assert other.returncode == 0, other.stderr
    digest, there = other.stdout.split()
    assert digest == hashlib.sha256(here).hexdigest()
    with fresh_storage().open(there, "rb") as handle:
        assert handle.read() == b"written there"


def test_nothing_stored_is_public(store: Any) -> None:
    name = default_storage.save("staff-imports/1/staff.csv", ContentFile(b"Staff Number\nQ1\n"))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(store.plain_url(name), timeout=10)  # noqa: S310 - loopback
    assert refused.value.code in {403, 404}  # Azure does not even say the file is there
    # The only address the storage makes is signed and lasts five minutes: that one works,
    # so the refusal above is the file's privacy, not a broken server.
    signed = default_storage.url(name)
    assert store.plain_url(name) != signed
    with urllib.request.urlopen(signed, timeout=10) as response:  # noqa: S310 - loopback
        assert response.read() == b"Staff Number\nQ1\n"


def test_reading_a_large_file_holds_a_chunk_at_a_time(store: Any) -> None:
    lines = [f"Q{n:07d},Quinn,Number {n:07d},{'x' * 100}\n".encode() for n in range(100_000)]
    content = b"".join(lines)
    assert len(content) > 12 * MIB
    name = default_storage.save("staff-imports/1/big.csv", ContentFile(content))
    expected = hashlib.sha256(content).hexdigest()
    del content, lines
    storage = fresh_storage()
    with storage.open(name, "rb") as warm_up:  # the connection and its models are set up
        warm_up.read(10)
    digest, count = hashlib.sha256(), 0
    tracemalloc.start()
    try:
        with storage.open(name, "rb") as handle:
            # Read as the staff import reads: as text, a line at a time.
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            for line in text:
                digest.update(line.encode())
                count += 1
            text.detach()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (digest.hexdigest(), count) == (expected, 100_000)
    assert peak < 4 * MIB, f"{peak:,} bytes held to read a file of more than 12 MiB"


def test_a_copy_is_streamed_from_one_object_to_another(store: Any) -> None:
    content = bytes(range(256)) * (3 * CHUNK_BYTES // 256 + 5)
    source = default_storage.save("benchmarks/evidence/one", ContentFile(content))
    with default_storage.open(source, "rb") as handle:
        assert not handle.seekable()  # the stream itself, not a copy made first
        copy = default_storage.save("benchmarks/evidence/two", handle)
    assert store.keys() == ["benchmarks/evidence/one", "benchmarks/evidence/two"]
    assert store.body(copy) == content


def test_a_file_that_is_not_there_cannot_be_opened(store: Any) -> None:
    with pytest.raises(FileNotFoundError):
        default_storage.open("benchmarks/evidence/missing", "rb")
    assert not default_storage.exists("benchmarks/evidence/missing")
    default_storage.delete("benchmarks/evidence/missing")  # deleting nothing is not an error


def test_a_name_that_is_taken_is_never_overwritten(store: Any) -> None:
    first = default_storage.save("benchmarks/evidence/same", ContentFile(b"first"))
    second = default_storage.save("benchmarks/evidence/same", ContentFile(b"second"))
    assert first != second
    assert (store.body(first), store.body(second)) == (b"first", b"second")


def test_a_prefix_keeps_every_file_in_a_folder_of_the_store(store: Any, settings: Any) -> None:
    variable = "STORAGE_S3_PREFIX" if store.server.kind == "s3" else "STORAGE_AZURE_PREFIX"
    storage = settings_storage(**store.server.env(store.name, **{variable: "/trust-a/"}))
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    name = default_storage.save("benchmarks/evidence/abc", ContentFile(b"minutes"))
    assert name == "benchmarks/evidence/abc"  # the site never sees the prefix
    assert store.keys() == ["trust-a/benchmarks/evidence/abc"]
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"minutes"


def test_s3_objects_have_no_acl_of_their_own(s3: Any) -> None:
    name = default_storage.save("staff-imports/1/staff.csv", ContentFile(b"Staff Number\n"))
    grants = s3.client.get_object_acl(Bucket=s3.name, Key=name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no anyone
    signed = default_storage.url(name)
    assert "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=300" in signed


def test_s3_server_side_encryption_is_asked_for_when_configured(s3: Any, settings: Any) -> None:
    storage = settings_storage(**s3.server.env(s3.name, STORAGE_S3_ENCRYPTION="AES256"))
    assert storage["OPTIONS"]["object_parameters"] == {"ServerSideEncryption": "AES256"}
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    name = default_storage.save("benchmarks/evidence/secret", ContentFile(b"policy"))
    head = s3.client.head_object(Bucket=s3.name, Key=name)
    assert head["ServerSideEncryption"] == "AES256"

    kms = settings_storage(
        **s3.server.env(
            s3.name, STORAGE_S3_ENCRYPTION="aws:kms", STORAGE_S3_KMS_KEY_ID="alias/carershub"
        )
    )
    assert kms["OPTIONS"]["object_parameters"] == {
        "ServerSideEncryption": "aws:kms",
        "SSEKMSKeyId": "alias/carershub",
    }


# --- Settings ------------------------------------------------------------------------------


def storages_for(**env: str) -> Any:
    return settings_built(**PRODUCTION, **env)["STORAGES"]


def test_uploads_are_on_local_disk_unless_told_otherwise() -> None:
    built = storages_for()
    assert built["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert built["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_s3_settings_are_private_and_keep_static_files_on_whitenoise(s3_server: Any) -> None:
    built = storages_for(**s3_server.env(PLACEHOLDER, STORAGE_S3_PREFIX="/carershub/"))
    assert built["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert built["default"]["BACKEND"] == "shared.object_storage.S3Storage"
    assert built["default"]["OPTIONS"] == {
        "bucket_name": PLACEHOLDER,
        "location": "carershub",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "custom_domain": None,
        "file_overwrite": False,
        "addressing_style": "path",
        "endpoint_url": s3_server.endpoint,
        "region_name": "eu-west-2",
        "access_key": "carershub-test-key",
        "secret_key": "carershub-test-secret",
        "object_parameters": {},
    }


def test_s3_without_keys_leaves_boto3_to_find_credentials() -> None:
    options = storages_for(STORAGE_BACKEND="s3", STORAGE_S3_BUCKET="b")["default"]["OPTIONS"]
    assert "access_key" not in options
    assert "secret_key" not in options
    assert "endpoint_url" not in options


def test_the_s3_secret_can_be_read_from_a_file(tmp_path: Any) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    options = storages_for(
        STORAGE_BACKEND="s3",
        STORAGE_S3_BUCKET="b",
        STORAGE_S3_ACCESS_KEY_ID="k",
        STORAGE_S3_SECRET_ACCESS_KEY_FILE=str(secret),
    )["default"]["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("k", "from-a-file")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "disk"}, "STORAGE_BACKEND must be local, s3 or azure, not 'disk'"),
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_S3_BUCKET must be set"),
        (
            {"STORAGE_BACKEND": "s3", "STORAGE_S3_BUCKET": "b", "STORAGE_S3_ACCESS_KEY_ID": "k"},
            "Set both STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY, or neither",
        ),
        (
            {"STORAGE_BACKEND": "s3", "STORAGE_S3_BUCKET": "b", "STORAGE_S3_ENCRYPTION": "yes"},
            "STORAGE_S3_ENCRYPTION must be empty, AES256 or aws:kms",
        ),
        (
            {"STORAGE_BACKEND": "s3", "STORAGE_S3_BUCKET": "b", "STORAGE_S3_KMS_KEY_ID": "k"},
            "STORAGE_S3_KMS_KEY_ID needs STORAGE_S3_ENCRYPTION=aws:kms",
        ),
        (
            {"STORAGE_BACKEND": "s3", "STORAGE_S3_BUCKET": "b", "STORAGE_S3_ADDRESSING_STYLE": "x"},
            "STORAGE_S3_ADDRESSING_STYLE must be auto, path or virtual",
        ),
        ({"STORAGE_BACKEND": "azure"}, "STORAGE_AZURE_CONTAINER must be set"),
        (
            {"STORAGE_BACKEND": "azure", "STORAGE_AZURE_CONTAINER": "c"},
            "STORAGE_BACKEND=azure needs STORAGE_AZURE_CONNECTION_STRING, or "
            "STORAGE_AZURE_ACCOUNT_NAME and STORAGE_AZURE_ACCOUNT_KEY",
        ),
        (
            {
                "STORAGE_BACKEND": "azure",
                "STORAGE_AZURE_CONTAINER": "c",
                "STORAGE_AZURE_ACCOUNT_NAME": "a",
            },
            "STORAGE_BACKEND=azure needs STORAGE_AZURE_CONNECTION_STRING, or "
            "STORAGE_AZURE_ACCOUNT_NAME and STORAGE_AZURE_ACCOUNT_KEY",
        ),
        (
            {
                "STORAGE_BACKEND": "azure",
                "STORAGE_AZURE_CONTAINER": "c",
                "STORAGE_AZURE_CONNECTION_STRING": "AccountName=a;AccountKey=k",
                "STORAGE_AZURE_ACCOUNT_NAME": "a",
            },
            "Set STORAGE_AZURE_CONNECTION_STRING or STORAGE_AZURE_ACCOUNT_NAME with "
            "STORAGE_AZURE_ACCOUNT_KEY, not both",
        ),
    ],
)
def test_a_storage_missing_what_it_needs_stops_start_up(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        storages_for(**env)
    assert str(refused.value) == message


ACCOUNT_KEY = "a2V5LWZvci10aGUtdGVzdHMtb25seQ=="


@pytest.mark.parametrize(
    "credentials",
    [
        {"STORAGE_AZURE_ACCOUNT_NAME": "carershub", "STORAGE_AZURE_ACCOUNT_KEY": ACCOUNT_KEY},
        {
            "STORAGE_AZURE_CONNECTION_STRING": "DefaultEndpointsProtocol=https;"
            f"AccountName=carershub;AccountKey={ACCOUNT_KEY};EndpointSuffix=core.windows.net"
        },
    ],
    ids=["account", "connection string"],
)
def test_azure_settings_build_a_private_client_that_reads_a_little_at_a_time(
    credentials: dict[str, str],
) -> None:
    """For Azure's own service, which the tests cannot reach: the client is made, not used."""
    built = storages_for(
        STORAGE_BACKEND="azure",
        STORAGE_AZURE_CONTAINER="uploads",
        STORAGE_AZURE_PREFIX="carershub",
        **credentials,
    )["default"]
    assert built["BACKEND"] == "shared.object_storage.AzureStorage"
    options = built["OPTIONS"]
    assert (options["azure_container"], options["location"]) == ("uploads", "carershub")
    assert (options["overwrite_files"], options["expiration_secs"]) == (False, 300)
    assert options["custom_domain"] is None
    storage: Any = storages.create_storage(built)
    client = storage.client
    assert client.url == "https://carershub.blob.core.windows.net/uploads"
    assert client.account_name == "carershub"
    assert (client._config.max_single_get_size, client._config.max_chunk_get_size) == (
        256 * 1024,
        256 * 1024,
    )

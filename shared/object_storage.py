"""S3-compatible and Azure Blob storage for uploaded files, read as streams.

``STORAGE_BACKEND`` (docs/configuration.md) names one of these; local disk needs neither, and
this module is imported only when one is chosen. django-storages' own backends read a stored
file by copying all of it into a temporary file before the first byte can be used: a 200 MB
staff file would wait for its whole copy, held in memory with S3's defaults. These read the
object's body as it arrives instead, a chunk at a time, forward only (``shared.storage``);
the staff import and a download read a file once, in order.

Writing, deleting and the rest are django-storages' own. Nothing here makes a public address
for a file: downloads go through the site, which checks who is asking (docs/deploy.md
"Object storage").
"""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings
from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.azure_storage import AzureStorage as BaseAzureStorage
from storages.backends.s3 import S3Storage as BaseS3Storage
from storages.utils import clean_name

from shared.storage import CHUNK_BYTES, streamed_file


class S3Storage(BaseS3Storage):  # type: ignore[misc]
    """django-storages' S3 backend, with reads streamed from the object's body."""

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if mode != "rb":
            return super()._open(name, mode)  # type: ignore[no-any-return]
        key = self._normalize_name(clean_name(name))
        try:
            response = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"No stored file {name!r}") from error
            raise
        body = response["Body"]
        return streamed_file(
            body.iter_chunks(CHUNK_BYTES),
            name=name,
            size=int(response["ContentLength"]),
            release=body.close,
        )


class AzureStorage(BaseAzureStorage):  # type: ignore[misc]
    """django-storages' Azure Blob backend, with reads streamed a chunk at a time.

    The client options apply with a connection string too, which django-storages leaves
    out. Settings make them small download sizes: opening a file would otherwise fetch the
    library's default 32 MB first, and while it fetches a piece the Azure library briefly
    holds about nine times its size (it lists the response's blocks with room for as many
    blocks as the piece has bytes).
    """

    def _get_service_client(self) -> BlobServiceClient:
        if self.connection_string is not None:
            return BlobServiceClient.from_connection_string(
                self.connection_string, **self.client_options
            )
        return super()._get_service_client()  # type: ignore[no-any-return]

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if mode != "rb":
            return super()._open(name, mode)  # type: ignore[no-any-return]
        try:
            download = self.client.download_blob(
                self._get_valid_path(name), max_concurrency=1, timeout=self.timeout
            )
        except ResourceNotFoundError as error:
            raise FileNotFoundError(f"No stored file {name!r}") from error
        return streamed_file(download.chunks(), name=name, size=download.size, release=lambda: None)

    def _save(self, name: str, content: Any) -> str:
        """Uploaded in blocks as it is read, so a stream that cannot seek back (a file being
        copied from the store itself) can be saved too."""
        path = self._get_valid_path(name)
        params = self._get_content_settings_parameters(path, content)
        if isinstance(content, File):
            content = content.file
        if content.seekable():
            content.seek(0)
        self.client.upload_blob(
            path,
            content,
            content_settings=ContentSettings(**params),
            max_concurrency=self.upload_max_conn,
            timeout=self.timeout,
            overwrite=self.overwrite_files,
        )
        return clean_name(name)  # type: ignore[no-any-return]

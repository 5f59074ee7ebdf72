"""Stored files read as streams, and served as streamed downloads, whatever the storage.

Uploaded files are on local disk, an S3-compatible bucket or an Azure Blob container
(``STORAGE_BACKEND``, docs/configuration.md; the object stores' backends are in
``shared.object_storage``). Either way a file is read a chunk at a time and never whole, so
a large file costs the same memory as a small one.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404

#: How much is read from the store, and sent to the browser, at a time.
CHUNK_BYTES = 64 * 1024


class ChunkReader(io.RawIOBase):
    """A forward-only byte stream over an iterator of chunks (a response body, say).

    Holds at most one chunk; ``io.BufferedReader`` on top gives the ``read``, ``read1`` and
    ``readline`` that the csv reader and ``io.TextIOWrapper`` use.
    """

    def __init__(self, chunks: Iterator[bytes], release: Callable[[], None]) -> None:
        self._chunks = chunks
        self._release = release
        self._chunk = b""
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._chunk):
            try:
                self._chunk, self._offset = next(self._chunks), 0
            except StopIteration:
                return 0
        view = memoryview(buffer).cast("B")
        size = min(len(view), len(self._chunk) - self._offset)
        view[:size] = memoryview(self._chunk)[self._offset : self._offset + size]
        self._offset += size
        return size

    def close(self) -> None:
        if not self.closed:
            try:
                self._release()
            finally:
                super().close()


def streamed_file(
    chunks: Iterator[bytes], *, name: str, size: int, release: Callable[[], None]
) -> File[bytes]:
    """A Django ``File`` that reads ``chunks`` as they come, knowing its size beforehand."""
    stream = io.BufferedReader(ChunkReader(chunks, release), buffer_size=CHUNK_BYTES)
    opened: File[bytes] = File(stream, name=name)
    opened.size = size
    return opened


def stored_file_response(
    name: str, *, filename: str, content_type: str, storage: Storage = default_storage
) -> FileResponse:
    """A stored file as a download, streamed from the store a chunk at a time.

    Always an attachment, with the type given (found from the content when it was
    uploaded, never from its name) and ``nosniff``, so a browser never runs it as a page.
    A file that is not there is a 404.
    """
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response.block_size = CHUNK_BYTES
    # Local files are measured by seeking; a stream from an object store knows its size.
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(handle.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response

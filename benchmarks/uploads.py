"""Checks on uploaded evidence: what a file really is, read from its content.

The browser's file name and content type are never trusted: a file is accepted only if
its bytes are one of the allowed document or image types, or are plain UTF-8 text. The
original name is kept only as a tidied display label.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

import filetype  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from shared.text import clean_filename

#: Content types recognised by their signature, with the extension a download gets.
SIGNED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "image/png": "png",
    "image/jpeg": "jpg",
}
TEXT_TYPES = {"csv": "text/csv", "txt": "text/plain"}
ALLOWED_DESCRIPTION = (
    "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG, JPEG, plain text or CSV"
)
HEAD_BYTES = 8192
READ_BYTES = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def sniff_bytes(content: bytes, *, name: str = "") -> Sniffed | None:
    """What ``content`` is, if it is an allowed type; None otherwise.

    ``name`` only chooses between CSV and plain text for content that is text anyway.
    """
    return sniff_stream(io.BytesIO(content), name=name)


def sniff_stream(stream: IO[bytes], *, name: str = "") -> Sniffed | None:
    """``sniff_bytes`` for a file read from where it is, a chunk at a time, never whole."""
    head = stream.read(HEAD_BYTES)
    kind = filetype.guess(head)
    if kind is not None:
        extension = SIGNED_TYPES.get(kind.mime)
        return Sniffed(kind.mime, extension) if extension else None
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = head
    try:
        while chunk:
            # A control character is one code point, so it cannot straddle two chunks.
            if _CONTROL.search(decoder.decode(chunk)):
                return None
            chunk = stream.read(READ_BYTES)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    extension = "csv" if name.lower().endswith(".csv") else "txt"
    return Sniffed(TEXT_TYPES[extension], extension)


def check_upload(upload: UploadedFile[bytes], *, max_bytes: int) -> Sniffed:
    """Size and type, or a ``ValidationError`` on ``file`` saying what is allowed."""
    size = upload.size or 0
    if size > max_bytes:
        raise ValidationError(
            {
                "file": _("The file must be smaller than %(limit)s.")
                % {"limit": filesizeformat(max_bytes)}
            }
        )
    if size == 0:
        raise ValidationError({"file": _("The selected file is empty.")})
    upload.seek(0)
    found = sniff_stream(upload, name=upload.name or "")
    upload.seek(0)
    if found is None:
        raise ValidationError(
            {"file": _("The selected file must be a %(types)s.") % {"types": ALLOWED_DESCRIPTION}}
        )
    return found


def display_label(name: str | None, *, limit: int = 100) -> str:
    """The original file name, tidied for display: no folders, no extension, no control or
    markup characters. Never used to store or serve the file."""
    base = clean_filename(name, default="", limit=1000)
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = unicodedata.normalize("NFKC", stem)
    cleaned = "".join(ch if (ch.isalnum() or ch in " -_().,'&") else " " for ch in stem)
    cleaned = " ".join(cleaned.split())[:limit].strip(" .")
    return cleaned or _("document")

"""Uploads are judged by their content, never by their name or the browser's content type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarks.tests import files
from benchmarks.uploads import HEAD_BYTES, READ_BYTES, check_upload, display_label, sniff_bytes


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (files.pdf(), "policy.pdf", "application/pdf", "pdf"),
        (
            files.docx(),
            "policy.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            files.xlsx(),
            "attendance.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        (files.odt(), "policy.odt", "application/vnd.oasis.opendocument.text", "odt"),
        (files.png(), "poster.png", "image/png", "png"),
        (files.jpeg(), "poster.jpeg", "image/jpeg", "jpg"),
        (b"Meeting,Attended\nMarch,12\n", "minutes.csv", "text/csv", "csv"),
        ("Notes from the carers\u2019 café\n".encode(), "notes.txt", "text/plain", "txt"),
        # A PDF is a PDF whatever it is called.
        (files.pdf(), "policy.txt", "application/pdf", "pdf"),
    ],
    # Named ids: the files hold the time they were made, and pytest-xdist refuses to run when
    # its workers collect tests with different ids.
    ids=["pdf", "docx", "xlsx", "odt", "png", "jpeg", "csv", "txt", "pdf-named-txt"],
)
def test_allowed_types_are_recognised_by_content(content, name, content_type, extension):
    found = sniff_bytes(content, name=name)
    assert found is not None
    assert (found.content_type, found.extension) == (content_type, extension)


@pytest.mark.parametrize(
    "content",
    [
        files.windows_program(),
        files.zip_archive(),
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        "Latin-1 caf\xe9".encode("latin-1"),
        b"text with a NUL\x00 in it",
    ],
    ids=["windows-program", "zip-archive", "gif", "latin-1-text", "text-with-nul"],
)
def test_other_content_is_refused(content):
    assert sniff_bytes(content, name="policy.pdf") is None


def _straddling(tail: bytes) -> bytes:
    """Text whose two-byte letters sit across the edges of the pieces it is read in."""
    return b"a" * (HEAD_BYTES - 1) + "é".encode() + b"b" * (READ_BYTES - 2) + "é".encode() + tail


def test_text_is_read_in_pieces_and_a_letter_across_two_pieces_is_still_text():
    upload = SimpleUploadedFile("minutes.txt", _straddling(b"end\n"))
    assert check_upload(upload, max_bytes=1_000_000).content_type == "text/plain"
    assert upload.tell() == 0  # left ready to be stored


@pytest.mark.parametrize(
    "tail",
    [b"a control character \x07 in the third piece", b"a letter cut short \xc3"],
)
def test_a_problem_far_into_a_text_file_is_found(tail):
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("minutes.txt", _straddling(tail)), max_bytes=1_000_000)


def test_a_program_renamed_as_pdf_with_a_pdf_content_type_is_refused():
    upload = SimpleUploadedFile(
        "policy.pdf", files.windows_program(), content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        check_upload(upload, max_bytes=10_000)
    assert "must be a PDF, Word (DOCX)" in error.value.message_dict["file"][0]


def test_an_oversized_file_is_refused_before_it_is_read():
    upload = SimpleUploadedFile("policy.pdf", files.pdf(), content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        check_upload(upload, max_bytes=100)
    assert error.value.message_dict["file"] == ["The file must be smaller than 100\xa0bytes."]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        check_upload(SimpleUploadedFile("empty.txt", b""), max_bytes=100)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Carers policy 2026.pdf", "Carers policy 2026"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\hr\\Policy (final).docx", "Policy (final)"),
        # A slash is a folder separator, so only the last part is kept.
        ('<script>alert("x")</script>.pdf', "script"),
        ('<b onclick="x">Policy.pdf', "b onclick x Policy"),
        ("\u202eevil\u202d.pdf", "evil"),
        # The text rule for upload names (shared.text.clean_filename) comes first.
        ("invoice\u202efdp.exe", "invoicefdp"),
        ("Sia\u0302n\x00 report.pdf", "Siân report"),
        (".pdf", "pdf"),
        ("", "document"),
        ("   .", "document"),
        ("a" * 300 + ".pdf", "a" * 100),
    ],
)
def test_display_label_keeps_only_a_tidy_name(name, label):
    assert display_label(name) == label

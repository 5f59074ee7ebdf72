"""Reading generated PDFs back in tests."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The document's text, page after page, as a reader would copy it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> dict[str, bool]:
    """Every font the pages name, without reportlab's subset prefix ("AAAAAA+"), and whether
    its file is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts[name] = fonts.get(name, False) or embedded
    return fonts


def assert_only_embedded_dejavu(content: bytes) -> None:
    """Every font the document uses is a face of DejaVu Sans embedded in the file: none is
    left for the reader's computer to find (or not)."""
    fonts = pdf_fonts(content)
    assert "DejaVuSans" in fonts, fonts
    assert all(name.startswith("DejaVuSans") and embedded for name, embedded in fonts.items()), (
        fonts
    )

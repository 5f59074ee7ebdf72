"""Reading generated PDFs back in tests."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

#: The families shipped in ``shared/fonts``, as the PDF names them (without the subset prefix).
PROJECT_FONTS = ("DejaVu-Sans", "Droid-Sans-Fallback")
#: Names the product exists for, one of each script the fonts must print.
NAMES = ("Gwŵr", "Łukasz", "Nguyễn", "李娜")


def pdf_text(content: bytes) -> str:
    """The document's text, page after page, as a reader would copy it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> dict[str, bool]:
    """Every font the pages name, without the subset prefix ("AAAAAA+"), and whether its
    file is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            descriptors = [font.get("/FontDescriptor")] + [
                child.get_object().get("/FontDescriptor")
                for child in font.get("/DescendantFonts", [])
            ]
            embedded = any(
                descriptor is not None and "/FontFile2" in descriptor.get_object()
                for descriptor in descriptors
            )
            fonts[name] = fonts.get(name, False) or embedded
    return fonts


def assert_only_embedded_project_fonts(content: bytes) -> None:
    """Every font the document uses is one shipped with the project and embedded in the
    file: none is left for the reader's computer, or taken from the server's, to find (or
    not)."""
    fonts = pdf_fonts(content)
    assert any(name.startswith("DejaVu-Sans") for name in fonts), fonts
    assert all(name.startswith(PROJECT_FONTS) and embedded for name, embedded in fonts.items()), (
        fonts
    )


def structure_roles(content: bytes) -> list[str]:
    """The roles of the structure tree's elements, in reading order ("/H1", "/P", "/TH"...)."""
    reader = PdfReader(io.BytesIO(content))
    roles: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if "/S" in node:
                roles.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    catalog: Any = reader.trailer["/Root"].get_object()
    walk(catalog["/StructTreeRoot"])
    return roles


def assert_accessible(content: bytes, *, title: str | None = None) -> None:
    """The file is a tagged PDF (a structure tree, marked content) with a language and a
    title that readers show instead of the file name, in the Info dictionary and in XMP."""
    reader = PdfReader(io.BytesIO(content))
    catalog: Any = reader.trailer["/Root"].get_object()
    assert "/StructTreeRoot" in catalog
    assert catalog["/StructTreeRoot"].get_object().get("/K") is not None
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert str(catalog["/Lang"]).startswith("en")
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    info_title = reader.metadata.title if reader.metadata else None
    assert info_title
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.dc_title or {}).get("x-default") == info_title
    if title is not None:
        assert info_title == title, info_title
    assert_only_embedded_project_fonts(content)


def assert_prints_every_name(content: bytes) -> None:
    """Each of the names (Welsh, Polish, Vietnamese, Chinese) comes back from the file's text
    exactly as it was stored: no replacement character, no letter split from its accent."""
    text = pdf_text(content)
    for name in NAMES:
        assert name in text, name

from __future__ import annotations

from commitments.template import PLACEHOLDER, template_text
from commitments.text import parse, to_html


def test_headings_paragraphs_and_lists_become_govuk_html() -> None:
    html = to_html(
        "# Title\n\nA paragraph\nwrapped.\n\n1. **First** point\n\n2. Second\n\n- a\n- b"
    )
    assert '<h2 class="govuk-heading-l">Title</h2>' in html
    assert '<p class="govuk-body">A paragraph wrapped.</p>' in html
    assert (
        '<ol class="govuk-list govuk-list--number"><li><strong>First</strong> point</li>'
        "<li>Second</li></ol>"
    ) in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>' in html


def test_everything_typed_is_escaped() -> None:
    html = to_html('<script>alert("x")</script>\n\n**<b>bold</b>**')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>&lt;b&gt;bold&lt;/b&gt;</strong>" in html


def test_a_wrapped_list_item_continues_the_item() -> None:
    blocks = parse("1. One that goes\non a second line\n2. Two")
    assert blocks[0].items == ["One that goes on a second line", "Two"]


def test_the_template_has_the_placeholder_and_covers_the_promises() -> None:
    text = template_text()
    assert PLACEHOLDER in text
    numbered = next(block for block in parse(text) if block.kind == "numbered")
    assert len(numbered.items) == 8
    for topic in ("identify", "legal right", "line managers", "network", "passport", "once a year"):
        assert topic in text, topic
    assert "executive sponsor" in text

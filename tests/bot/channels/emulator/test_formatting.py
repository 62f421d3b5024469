"""parse_mode handling: markup becomes plain text + entities (UTF-16 offsets), or a 400."""

from __future__ import annotations

import pytest

from bot.channels.emulator.errors import ApiError
from bot.channels.emulator.formatting import command_entities, parse_formatted


def test_html_tags_become_entities_with_utf16_offsets() -> None:
    text, entities = parse_formatted(
        '😀 <b>жирный</b> &lt;3 <a href="https://example.org">ссылка</a>', "HTML"
    )

    assert text == "😀 жирный <3 ссылка"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 6},  # the emoji is two UTF-16 units
        {"type": "text_link", "offset": 13, "length": 6, "url": "https://example.org"},
    ]


def test_html_pre_with_code_language() -> None:
    text, entities = parse_formatted(
        '<pre><code class="language-python">x = 1</code></pre>', "HTML"
    )

    assert text == "x = 1"
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_nested_html_orders_outer_entity_first() -> None:
    _, entities = parse_formatted("<b>a <i>b</i></b>", "HTML")

    assert [e["type"] for e in entities] == ["bold", "italic"]


@pytest.mark.parametrize(
    ("markup", "complaint"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("x<br/>y", "Unsupported start tag"),
    ],
)
def test_bad_html_is_a_400(markup: str, complaint: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_formatted(markup, "HTML")

    assert raised.value.status == 400
    assert "can't parse entities" in raised.value.description
    assert complaint in raised.value.description


def test_markdown_v2_markers_escapes_and_links() -> None:
    text, entities = parse_formatted(
        r"*жирно* _курсив_ __подчёрк__ ~зачёрк~ ||спойлер|| `a\`b` [сайт](https://e.org/a\)b) 1\.",
        "MarkdownV2",
    )

    assert text == "жирно курсив подчёрк зачёрк спойлер a`b сайт 1."
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 5),
        ("italic", 6, 6),
        ("underline", 13, 7),
        ("strikethrough", 21, 6),
        ("spoiler", 28, 7),
        ("code", 36, 3),
        ("text_link", 40, 4),
    ]
    assert entities[-1]["url"] == "https://e.org/a)b"


def test_markdown_v2_code_block_and_quote() -> None:
    text, entities = parse_formatted("```python\nprint(1)```\n>цитата\nпосле", "MarkdownV2")

    assert text == "print(1)\nцитата\nпосле"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 8, "language": "python"},
        {"type": "blockquote", "offset": 9, "length": 6},
    ]


@pytest.mark.parametrize(
    ("markup", "complaint"),
    [
        ("Готово.", "Character '.' is reserved"),
        ("1 + 1 = 2", "Character '+' is reserved"),
        ("*жирный", "Can't find end of Bold entity at byte offset 0"),
        ("`code", "Can't find end"),
    ],
)
def test_bad_markdown_v2_is_a_400(markup: str, complaint: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_formatted(markup, "MarkdownV2")

    assert complaint in raised.value.description


def test_plain_text_has_no_entities_and_unknown_modes_are_rejected() -> None:
    assert parse_formatted("<b>as is</b>", None) == ("<b>as is</b>", [])
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        parse_formatted("x", "BBCode")


def test_command_entity_covers_the_command_and_bot_name() -> None:
    assert command_entities("/remind@sova_bot завтра") == [
        {"type": "bot_command", "offset": 0, "length": 16}
    ]
    assert command_entities("not /a command") == []

"""Every supported format becomes a title and clean paragraphs; everything else is refused."""

from __future__ import annotations

import codecs

import pytest

from plugins.qa.extract import extract
from plugins.qa.refusal import DocumentRefused, RefusalCode
from tests.plugins.qa import samples

RUSSIAN = "Голосовые ответы включаются командой /voice on. Выключить их можно так же."


def refusal(data: bytes, filename: str) -> RefusalCode:
    with pytest.raises(DocumentRefused) as caught:
        extract(data, filename)
    assert caught.value.message  # an English sentence saying what to do
    return caught.value.code


@pytest.mark.parametrize(
    "data",
    [
        RUSSIAN.encode("utf-8"),
        RUSSIAN.encode("cp1251"),
        codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"),
        codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"),
    ],
    ids=["utf-8", "cp1251", "utf-8-bom", "utf-16-le", "utf-16-be"],
)
def test_plain_text_in_any_usual_encoding(data: bytes) -> None:
    document = extract(data, "voice.txt")
    assert document.text == RUSSIAN
    assert document.title == "voice"  # no title line: the file name
    assert document.mime == "text/plain"


def test_plain_text_paragraphs_and_title_line() -> None:
    text = "Voice replies\r\n\r\nSend /voice on\r\nto get answers\r\nas voice.\r\n\r\n\r\nDone."
    document = extract(text.encode(), "notes.txt")
    assert document.title == "Voice replies"
    assert [b.text for b in document.blocks] == [
        "Voice replies",
        "Send /voice on to get answers as voice.",
        "Done.",
    ]
    assert document.blocks[0].is_heading


def test_markdown_markup_is_stripped_and_headings_kept() -> None:
    source = """---
layout: page
---
# Sova *manual*

Send **`/voice on`** to hear [answers](https://example.org) as voice.
Line two of the paragraph.

## Reminders

- say "remind me at 8 to call mom"
- or start a timer

| command | what |
|---|---|
| /reminders | list them |

```
you> привет
sova> Привет!
```
<div align="center"><img src="owl.png" alt="owl"></div>
"""
    document = extract(source.encode(), "manual.md")
    assert document.title == "Sova manual"
    assert [(b.heading_level, b.text) for b in document.blocks] == [
        (1, "Sova manual"),
        (0, "Send /voice on to hear answers as voice. Line two of the paragraph."),
        (2, "Reminders"),
        (0, 'say "remind me at 8 to call mom"'),
        (0, "or start a timer"),
        (0, "command | what"),
        (0, "/reminders | list them"),
        (0, "you> привет\nsova> Привет!"),
    ]


def test_html_visible_text_only() -> None:
    page = b"""<!doctype html><html><head><title>Sova help</title>
<style>p { color: red }</style><script>var secret = 1;</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<h1>Voice</h1><p>Send <b>/voice on</b> to get<br>answers as voice.</p><!-- hidden -->
<div>Loose text <span>here</span><p>Inner paragraph.</p></div>
<table><tr><th>command</th><th>what</th></tr><tr><td>/say</td><td>speak a text</td></tr></table>
<footer>(c) 2026</footer></body></html>"""
    document = extract(page, "help.html")
    assert document.title == "Sova help"
    assert [(b.heading_level, b.text) for b in document.blocks] == [
        (1, "Voice"),
        (0, "Send /voice on to get answers as voice."),
        (0, "Loose text here"),
        (0, "Inner paragraph."),
        (0, "command | what"),
        (0, "/say | speak a text"),
    ]
    assert "secret" not in document.text and "Home" not in document.text


def test_html_title_falls_back_to_h1_and_cp1251_is_read() -> None:
    page = "<html><body><h1>Справка</h1><p>Текст справки.</p></body></html>".encode("cp1251")
    document = extract(page, "page.htm")
    assert document.title == "Справка"
    assert document.blocks[-1].text == "Текст справки."


def test_pdf_lines_become_paragraphs() -> None:
    data = samples.pdf(
        [
            [
                "Voice replies are sent as voice messages when you turn them on with",
                "the command /voice on, and they stop again with /voice off.",
                "Short last line.",
                "A second paragraph starts here and it is long enough to fill a",
                "line, then it ends.",
            ],
            ["Голосовые ответы включаются командой /voice on."],
        ],
        title="Voice manual",
    )
    document = extract(data, "manual.pdf")
    assert document.title == "Voice manual"
    assert document.mime == "application/pdf"
    assert [b.text for b in document.blocks] == [
        "Voice replies are sent as voice messages when you turn them on with the command "
        "/voice on, and they stop again with /voice off. Short last line.",
        "A second paragraph starts here and it is long enough to fill a line, then it ends.",
        "Голосовые ответы включаются командой /voice on.",
    ]


def test_docx_headings_paragraphs_and_tables() -> None:
    data = samples.docx_file(
        title="Руководство",
        sections=[("Голос", ["Команда /voice on включает голосовые ответы."])],
        table=[["команда", "что делает"], ["/say", "произносит текст"]],
    )
    document = extract(data, "guide.docx")
    assert document.title == "Руководство"
    assert [(b.heading_level, b.text) for b in document.blocks] == [
        (1, "Руководство"),
        (1, "Голос"),
        (0, "Команда /voice on включает голосовые ответы."),
        (0, "команда | что делает"),
        (0, "/say | произносит текст"),
    ]


def test_format_from_mime_when_the_name_has_no_extension() -> None:
    document = extract(b"# Title\n\nBody text.", "upload", mime="text/markdown")
    assert document.title == "Title"


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (samples.PNG_BYTES, "photo.txt", RefusalCode.BINARY),
        (samples.PNG_BYTES, "photo.md", RefusalCode.BINARY),
        (bytes(range(1, 32)) * 100, "noise.txt", RefusalCode.BINARY),  # no NUL, not text
        (b"\x98\x99\x9a" * 10, "bad.txt", RefusalCode.BINARY),  # neither UTF-8 nor cp1251
        (samples.PNG_BYTES, "photo.png", RefusalCode.UNSUPPORTED),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old.docx", RefusalCode.UNSUPPORTED),
        (b"just text", "report.doc", RefusalCode.UNSUPPORTED),
        (b"", "empty.txt", RefusalCode.EMPTY),
        (b"  \n\n \t", "blank.md", RefusalCode.EMPTY),
        (b"<html><body><script>x()</script></body></html>", "blank.html", RefusalCode.EMPTY),
        (b"plain words, not a PDF", "fake.pdf", RefusalCode.CORRUPT),
        (b"%PDF-1.7\n garbage without any objects", "broken.pdf", RefusalCode.CORRUPT),
        (b"PK\x03\x04 not really a zip", "broken.docx", RefusalCode.CORRUPT),
        (b"plain words", "fake.docx", RefusalCode.CORRUPT),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_refusals(data: bytes, filename: str, code: RefusalCode) -> None:
    assert refusal(data, filename) is code


def test_scanned_pdf_without_text_is_empty() -> None:
    assert refusal(samples.blank_pdf(2), "scan.pdf") is RefusalCode.EMPTY


def test_password_protected_pdf() -> None:
    protected = samples.encrypted_pdf(samples.pdf([["Secret text."]]))
    assert refusal(protected, "secret.pdf") is RefusalCode.ENCRYPTED


def test_too_big_with_a_small_limit_and_the_default_limit() -> None:
    with pytest.raises(DocumentRefused) as caught:
        extract(b"x" * 2048, "big.txt", max_bytes=1024)
    assert caught.value.code is RefusalCode.TOO_BIG
    assert caught.value.values == {"size_mb": "0.0", "limit_mb": "0.0"}
    big = samples.large_pdf(20 * 2**20)
    assert refusal(big, "big.pdf") is RefusalCode.TOO_BIG  # default: 10 MB

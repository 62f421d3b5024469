"""What an answer looks like in the chat: text in the user's language, and its buttons.

    💡 1876
    “The company was founded in 1876 by ...”
    📄 Company history · confidence 82%
    [👍] [👎] [More ▸]

Button data stays far below Telegram's 64 bytes: the question's trace id (32 hex digits)
for the ratings, passage ids for "More".
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.events import Button
from bot.plugins import Context
from plugins.qa.answering import AnswerMethod, FoundAnswer
from plugins.qa.records import StoredPassage

SENTENCE_CHARS = 400
TITLE_CHARS = 100
EXCERPT_CHARS = 300


def clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def answer_text(ctx: Context, found: FoundAnswer) -> str:
    values = {
        "answer": clip(found.text, SENTENCE_CHARS),
        "sentence": clip(found.sentence, SENTENCE_CHARS),
        "title": clip(found.hit.document_title, TITLE_CHARS),
        "confidence": round(100 * found.confidence),
    }
    # A sentence answer is its own support: quoting it again below would say it twice.
    key = "answer_span" if found.method is AnswerMethod.READER else "answer_sentence"
    return ctx.t(key, **values)


def answer_buttons(ctx: Context, found: FoundAnswer) -> list[list[Button]]:
    trace = ctx.message.trace_id
    row = [ctx.button("👍", "up", trace), ctx.button("👎", "down", trace)]
    if found.more:
        row.append(ctx.button(ctx.t("more_button"), "more", format_ids(found.more)))
    return [row]


def dont_know_text(ctx: Context) -> str:
    text = ctx.t("dont_know")
    return f"{text}\n{ctx.t('dont_know_admin_hint')}" if ctx.is_admin else text


def more_text(ctx: Context, passages: Sequence[StoredPassage]) -> str:
    if not passages:
        return ctx.t("more_gone")
    parts = [ctx.t("more_header")]
    for passage in passages:
        parts.append(
            ctx.t(
                "more_item",
                title=clip(passage.document_title, TITLE_CHARS),
                excerpt=clip(passage.text, EXCERPT_CHARS),
            )
        )
    return "\n\n".join(parts)


def format_ids(ids: Sequence[int]) -> str:
    return ",".join(str(i) for i in ids)


def parse_ids(args: str) -> list[int]:
    """Passage ids from button data; junk (an old or forged button) gives none."""
    return [int(part) for part in args.split(",") if part.strip().isdigit()]

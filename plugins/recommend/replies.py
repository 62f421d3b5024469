"""What a list of picks looks like in the chat, and its buttons.

    🎬 Films for you:
    1. Interstellar (2014) — sci-fi, drama · because you liked «The Matrix»
    2. ...
    [1 👍] [1 👎] [1 ✓ seen]
    [2 👍] ...
    [🔄 More]

Button data: ``<item id>.<trace id>`` (at most ~50 bytes of Telegram's 64): the item, and
the turn that showed it, so a rating can name the reply it rates.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.events import Button
from bot.plugins import Context
from plugins.recommend.ranking import Pick, Request
from plugins.recommend.store import Item
from plugins.recommend.vocabulary import label

TITLE_CHARS = 80
MAX_GENRES_SHOWN = 3


def _clip(text: str, limit: int = TITLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def item_name(item: Item, lang: str) -> str:
    title = _clip(item.display_title(lang))
    return f"{title} ({item.year})" if item.year else title


def genres_text(genres: Sequence[str], lang: str) -> str:
    return ", ".join(label(g, lang) for g in genres[:MAX_GENRES_SHOWN])


def reason_text(ctx: Context, pick: Pick) -> str:
    values: dict[str, str] = {}
    if pick.because is not None:
        values["title"] = _clip(pick.because.display_title(ctx.lang))
    if pick.genre is not None:
        values["genre"] = label(pick.genre, ctx.lang)
    return ctx.t(pick.reason, **values)


def list_header(ctx: Context, request: Request) -> str:
    if request.like is not None:
        return ctx.t("header_like", title=_clip(request.like.display_title(ctx.lang)))
    key = {"film": "header_film", "book": "header_book"}.get(request.kind or "", "header_any")
    return ctx.t(key)


def list_text(ctx: Context, request: Request, picks: Sequence[Pick]) -> str:
    lines = [list_header(ctx, request)]
    for number, pick in enumerate(picks, start=1):
        lines.append(
            ctx.t(
                "pick_line",
                number=number,
                name=item_name(pick.item, ctx.lang),
                genres=genres_text(pick.item.genres, ctx.lang),
                reason=reason_text(ctx, pick),
            )
        )
    lines.append(ctx.t("buttons_hint"))
    return "\n".join(lines)


def list_buttons(ctx: Context, picks: Sequence[Pick], kind: str | None) -> list[list[Button]]:
    trace = ctx.message.trace_id
    rows = [
        [
            ctx.button(f"{number} 👍", "like", f"{pick.item.id}.{trace}"),
            ctx.button(f"{number} 👎", "dislike", f"{pick.item.id}.{trace}"),
            ctx.button(f"{number} {ctx.t('seen_button')}", "seen", f"{pick.item.id}.{trace}"),
        ]
        for number, pick in enumerate(picks, start=1)
    ]
    rows.append([ctx.button(ctx.t("more_button"), "again", kind or "")])
    return rows


def taste_buttons(ctx: Context, genres: Sequence[str], kind: str | None, count: int
                  ) -> list[list[Button]]:  # fmt: skip
    """The onboarding question's answers: one button per genre (two per row), and "any"."""
    args = f"{kind or ''}.{count}"
    buttons = [ctx.button(label(g, ctx.lang), "taste", f"{g}.{args}") for g in genres]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([ctx.button(ctx.t("taste_any"), "taste", f".{args}")])
    return rows

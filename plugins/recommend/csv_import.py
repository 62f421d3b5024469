"""``/rec import``: a CSV is a catalog (items) or an interaction history, told by its header.

    catalog:  id, title, type, genres [, title_ru, year, description, language]
    history:  user, item [, weight | rating, timestamp]

Comma, semicolon or tab separated, UTF-8 (or Windows-1251), a header row first. Nothing is
stored unless the whole file is right; the first problem is reported precisely (the row,
the column, the value, and for repeated problems how many rows share it) so the admin can
fix the file and send it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from plugins.recommend.store import NewInteraction, NewItem
from plugins.recommend.vocabulary import canonical_kind, split_genres

CATALOG_REQUIRED = ("id", "title", "type", "genres")
CATALOG_OPTIONAL = ("title_ru", "year", "description", "language")
HISTORY_REQUIRED = ("user", "item")
HISTORY_OPTIONAL = ("weight", "timestamp")
# Other names people give these columns (MovieLens: userId, movieId, rating, timestamp).
ALIASES = {
    "item_id": "item", "itemid": "item", "movie": "item", "movieid": "item",
    "movie_id": "item", "book_id": "item", "bookid": "item",
    "user_id": "user", "userid": "user",
    "rating": "weight", "score": "weight",
    "time": "timestamp", "date": "timestamp", "ts": "timestamp",
    "name": "title", "kind": "type", "genre": "genres", "tags": "genres",
    "lang": "language",
}  # fmt: skip
SHOWN_ROWS = 5
MAX_ID = 64
MAX_TITLE = 255


class ImportProblem(Exception):
    """What is wrong with the file: a locale key and its values."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class CatalogFile:
    items: list[NewItem]


@dataclass(frozen=True, slots=True)
class HistoryFile:
    rows: list[NewInteraction]
    users: int = field(default=0)


def read_import(
    data: bytes, known_items: Mapping[str, int], *, max_rows: int, now: datetime
) -> CatalogFile | HistoryFile:
    """Parse and check a whole file; raises ``ImportProblem`` at the first thing wrong."""
    header, rows = _table(data, max_rows)
    if "user" in header:
        return _history(header, rows, known_items, now)
    return _catalog(header, rows)


def _decode(data: bytes) -> str:
    # Windows-1251 decodes almost any bytes, so a binary file is told by its NUL bytes.
    if b"\x00" in data[:4096]:
        raise ImportProblem("import_not_text")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblem("import_not_text")


def _table(data: bytes, max_rows: int) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    text = _decode(data)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ImportProblem("import_empty")
    first = next(line for line in lines if line.strip())
    delimiter = max((";", "\t", ","), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header_row: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, row in enumerate(reader, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if not header_row:
            header_row = row
            continue
        rows.append((number, row))
        if len(rows) > max_rows:
            raise ImportProblem("import_too_many_rows", limit=max_rows)
    header: dict[str, int] = {}
    for position, name in enumerate(header_row):
        key = name.strip().lower().replace(" ", "_")
        header.setdefault(ALIASES.get(key, key), position)
    if not rows:
        raise ImportProblem("import_no_rows")
    return header, rows


def _missing(header: Mapping[str, int], required: Sequence[str], kind: str) -> None:
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportProblem(
            f"import_missing_{kind}_columns",
            missing=", ".join(missing),
            found=", ".join(header) or "—",
        )


def _cell(row: Sequence[str], header: Mapping[str, int], name: str) -> str:
    position = header.get(name)
    if position is None or position >= len(row):
        return ""
    return row[position].strip()


def _rows_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOWN_ROWS])
    return shown + (f" (+{len(numbers) - SHOWN_ROWS})" if len(numbers) > SHOWN_ROWS else "")


def _catalog(header: Mapping[str, int], rows: Sequence[tuple[int, list[str]]]) -> CatalogFile:
    if "title" not in header and "id" not in header:
        raise ImportProblem("import_unknown_format", found=", ".join(header) or "—")
    _missing(header, CATALOG_REQUIRED, "catalog")
    first_row: dict[str, int] = {}
    items: list[NewItem] = []
    for number, row in rows:
        external_id = _cell(row, header, "id")
        if not external_id:
            raise ImportProblem("import_empty_cell", row=number, column="id")
        if len(external_id) > MAX_ID:
            raise ImportProblem("import_too_long", row=number, column="id", limit=MAX_ID)
        if external_id in first_row:
            repeats = [n for n, r in rows if _cell(r, header, "id") == external_id]
            raise ImportProblem("import_duplicate_item", id=external_id, rows=_rows_list(repeats))
        first_row[external_id] = number
        title = _cell(row, header, "title")
        for column, value in (("title", title), ("type", _cell(row, header, "type"))):
            if not value:
                raise ImportProblem("import_empty_cell", row=number, column=column)
        if len(title) > MAX_TITLE:
            raise ImportProblem("import_too_long", row=number, column="title", limit=MAX_TITLE)
        genres = split_genres(_cell(row, header, "genres"))
        if not genres:
            raise ImportProblem("import_empty_cell", row=number, column="genres")
        year_text = _cell(row, header, "year")
        year: int | None = None
        if year_text:
            try:
                year = int(float(year_text))
            except ValueError:
                raise ImportProblem(
                    "import_not_a_number", row=number, column="year", value=year_text
                ) from None
        items.append(
            NewItem(
                external_id=external_id,
                kind=canonical_kind(_cell(row, header, "type"))[:16],
                title=title,
                title_ru=_cell(row, header, "title_ru")[:MAX_TITLE] or None,
                genres=genres,
                year=year,
                description=_cell(row, header, "description"),
                language=_cell(row, header, "language")[:8] or None,
            )
        )
    return CatalogFile(items)


def _history(
    header: Mapping[str, int],
    rows: Sequence[tuple[int, list[str]]],
    known_items: Mapping[str, int],
    now: datetime,
) -> HistoryFile:
    _missing(header, HISTORY_REQUIRED, "history")
    unknown: dict[str, list[int]] = {}
    first_row: dict[tuple[str, str], int] = {}
    out: list[NewInteraction] = []
    for number, row in rows:
        user, item = _cell(row, header, "user"), _cell(row, header, "item")
        for column, value in (("user", user), ("item", item)):
            if not value:
                raise ImportProblem("import_empty_cell", row=number, column=column)
        if len(user) > MAX_ID:
            raise ImportProblem("import_too_long", row=number, column="user", limit=MAX_ID)
        if (user, item) in first_row:
            raise ImportProblem(
                "import_duplicate_pair",
                row=number,
                user=user,
                item=item,
                first=first_row[(user, item)],
            )
        first_row[(user, item)] = number
        if item not in known_items:
            unknown.setdefault(item, []).append(number)
            continue
        out.append(
            NewInteraction(
                user, item, _weight(row, header, number), _time(row, header, number, now)
            )
        )
    if unknown:
        first_item, numbers = next(iter(unknown.items()))
        raise ImportProblem(
            "import_unknown_items",
            item=first_item,
            rows=_rows_list(numbers),
            count=len(unknown),
            others=", ".join(list(unknown)[1 : 1 + SHOWN_ROWS]) or "—",
        )
    return HistoryFile(out, users=len({r.external_user for r in out}))


def _weight(row: Sequence[str], header: Mapping[str, int], number: int) -> float:
    text = _cell(row, header, "weight")
    if not text:
        return 1.0
    try:
        weight = float(text.replace(",", "."))
    except ValueError:
        raise ImportProblem(
            "import_not_a_number", row=number, column="weight", value=text
        ) from None
    if not weight > 0:
        raise ImportProblem("import_weight_not_positive", row=number, value=text)
    return weight


def _time(row: Sequence[str], header: Mapping[str, int], number: int, now: datetime) -> datetime:
    text = _cell(row, header, "timestamp")
    if not text:
        return now
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ImportProblem(
                "import_bad_time", row=number, column="timestamp", value=text
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if seconds > 1e11:  # milliseconds since the epoch
        seconds /= 1000
    return datetime.fromtimestamp(seconds, tz=UTC)

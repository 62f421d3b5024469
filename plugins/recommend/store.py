"""Reading and writing the recommender's tables; callers get frozen records, never rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from bot.events import utcnow
from bot.storage import Database
from plugins.recommend.tables import RecInteractionRow, RecItemRow, RecTasteRow

GENRE_SEPARATOR = "|"
# The latest press per user and item is their opinion; "import" rows count like "seen".
POSITIVE = frozenset({"like", "seen", "import"})
PRESSES = ("like", "dislike", "seen")
IMPORT_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    external_id: str
    kind: str
    title: str
    title_ru: str | None
    genres: tuple[str, ...]
    year: int | None
    description: str
    language: str | None
    embedding: bytes | None

    def display_title(self, lang: str) -> str:
        return self.title_ru if lang == "ru" and self.title_ru else self.title


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item as read from a CSV (or the demo catalog), before it has a database id."""

    external_id: str
    kind: str
    title: str
    title_ru: str | None
    genres: tuple[str, ...]
    year: int | None
    description: str
    language: str | None


@dataclass(frozen=True, slots=True)
class Interaction:
    """One row of the log: ``user`` is "u<id>" for Sova users, "x<name>" for imported ones."""

    user: str
    item_id: int
    kind: str
    weight: float
    at: datetime


@dataclass(frozen=True, slots=True)
class NewInteraction:
    external_user: str
    external_item: str
    weight: float
    at: datetime


def user_key(user_id: int) -> str:
    return f"u{user_id}"


def _item(row: RecItemRow) -> Item:
    return Item(
        id=row.id, external_id=row.external_id, kind=row.kind, title=row.title,
        title_ru=row.title_ru, genres=tuple(g for g in row.genres.split(GENRE_SEPARATOR) if g),
        year=row.year, description=row.description, language=row.language,
        embedding=row.embedding,
    )  # fmt: skip


def _user(user_id: int | None, external: str | None) -> str:
    return user_key(user_id) if user_id is not None else f"x{external}"


def _interaction(row: RecInteractionRow) -> Interaction:
    user = _user(row.user_id, row.external_user)
    return Interaction(user, row.item_id, row.kind, row.weight, row.created_at)


class RecommendStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- catalog ---------------------------------------------------------------------------
    async def items(self) -> list[Item]:
        async with self.db.session() as session:
            rows = await session.scalars(select(RecItemRow).order_by(RecItemRow.id))
            return [_item(row) for row in rows]

    async def count_items(self) -> int:
        async with self.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(RecItemRow)) or 0)

    async def external_ids(self) -> dict[str, int]:
        """External id → database id of every item."""
        async with self.db.session() as session:
            rows = await session.execute(select(RecItemRow.external_id, RecItemRow.id))
            return {str(external): int(item_id) for external, item_id in rows}

    async def upsert_items(self, items: Sequence[NewItem], *, source: str) -> tuple[int, int]:
        """Add new items and update the ones whose external id exists; (added, updated).
        An updated item whose text changed loses its embedding (recomputed later)."""
        added = updated = 0
        now = utcnow()
        async with self.db.session() as session:
            existing = {
                row.external_id: row
                for row in await session.scalars(
                    select(RecItemRow).where(
                        RecItemRow.external_id.in_([i.external_id for i in items])
                    )
                )
            }
            for item in items:
                genres = GENRE_SEPARATOR.join(item.genres)
                row = existing.get(item.external_id)
                if row is None:
                    session.add(
                        RecItemRow(
                            external_id=item.external_id, kind=item.kind, title=item.title,
                            title_ru=item.title_ru, genres=genres, year=item.year,
                            description=item.description, language=item.language,
                            source=source, embedding=None, created_at=now, updated_at=now,
                        )
                    )  # fmt: skip
                    added += 1
                    continue
                text_changed = (row.title, row.title_ru, row.genres, row.description) != (
                    item.title, item.title_ru, genres, item.description
                )  # fmt: skip
                row.kind, row.title, row.title_ru = item.kind, item.title, item.title_ru
                row.genres, row.year, row.description = genres, item.year, item.description
                row.language, row.updated_at = item.language, now
                if text_changed:
                    row.embedding = None
                updated += 1
        return added, updated

    async def items_without_embedding(self) -> list[Item]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(RecItemRow).where(RecItemRow.embedding.is_(None)).order_by(RecItemRow.id)
            )
            return [_item(row) for row in rows]

    async def set_embeddings(self, embeddings: Iterable[tuple[int, bytes]]) -> None:
        async with self.db.session() as session:
            for item_id, blob in embeddings:
                row = await session.get(RecItemRow, item_id)
                if row is not None:
                    row.embedding = blob

    # -- interactions ------------------------------------------------------------------------
    async def record_press(self, user_id: int, item_id: int, kind: str, weight: float) -> None:
        async with self.db.session() as session:
            session.add(
                RecInteractionRow(
                    user_id=user_id, external_user=None, item_id=item_id, kind=kind,
                    weight=weight, created_at=utcnow(),
                )
            )  # fmt: skip

    async def user_interactions(self, user_id: int) -> list[Interaction]:
        """The user's presses, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(RecInteractionRow)
                .where(RecInteractionRow.user_id == user_id)
                .order_by(RecInteractionRow.created_at, RecInteractionRow.id)
            )
            return [_interaction(row) for row in rows]

    async def all_interactions(self) -> list[Interaction]:
        """Every interaction, oldest first (for training)."""
        table = RecInteractionRow
        async with self.db.session() as session:
            # Plain columns, not ORM objects: a history of 100,000 rows loads 3x faster.
            rows = await session.execute(
                select(
                    table.user_id, table.external_user, table.item_id, table.kind,
                    table.weight, table.created_at,
                ).order_by(table.created_at, table.id)
            )  # fmt: skip
            return [
                Interaction(_user(user_id, external), int(item), str(kind), float(weight), at)
                for user_id, external, item, kind, weight, at in rows
            ]

    async def imported_pairs(self) -> set[tuple[str, int]]:
        """(external user, item id) of the imported history, to skip rows already there."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(RecInteractionRow.external_user, RecInteractionRow.item_id).where(
                    RecInteractionRow.external_user.is_not(None)
                )
            )
            return {(str(user), int(item)) for user, item in rows}

    async def add_imported(self, rows: Sequence[tuple[str, int, float, datetime]]) -> None:
        """(external user, item id, weight, time) rows of an imported history, in one
        transaction; a Core executemany, since ORM objects for 100,000 rows take seconds."""
        async with self.db.session() as session:
            for start in range(0, len(rows), IMPORT_BATCH):
                await session.execute(
                    insert(RecInteractionRow),
                    [
                        {"user_id": None, "external_user": user, "item_id": item_id,
                         "kind": "import", "weight": weight, "created_at": at}
                        for user, item_id, weight, at in rows[start : start + IMPORT_BATCH]
                    ],
                )  # fmt: skip

    async def counts(self) -> tuple[int, int]:
        """(interactions, distinct users with any) for /rec stats."""
        async with self.db.session() as session:
            total = await session.scalar(select(func.count()).select_from(RecInteractionRow))
            sova = await session.scalar(
                select(func.count(func.distinct(RecInteractionRow.user_id)))
            )
            imported = await session.scalar(
                select(func.count(func.distinct(RecInteractionRow.external_user)))
            )
            return int(total or 0), int(sova or 0) + int(imported or 0)

    # -- tastes ------------------------------------------------------------------------------
    async def tastes(self, user_id: int) -> tuple[str, ...] | None:
        """The genres the user chose when asked; None if they were never asked."""
        async with self.db.session() as session:
            row = await session.get(RecTasteRow, user_id)
            if row is None:
                return None
            return tuple(g for g in row.genres.split(GENRE_SEPARATOR) if g)

    async def set_tastes(self, user_id: int, genres: Sequence[str]) -> None:
        async with self.db.session() as session:
            row = await session.get(RecTasteRow, user_id)
            joined = GENRE_SEPARATOR.join(genres)
            if row is None:
                session.add(RecTasteRow(user_id=user_id, genres=joined, updated_at=utcnow()))
            else:
                row.genres, row.updated_at = joined, utcnow()

    async def forget(self, user_id: int) -> None:
        async with self.db.session() as session:
            await session.execute(
                delete(RecInteractionRow).where(RecInteractionRow.user_id == user_id)
            )
            await session.execute(delete(RecTasteRow).where(RecTasteRow.user_id == user_id))

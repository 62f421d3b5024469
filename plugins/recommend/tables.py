"""The recommender's tables, on Sova's shared metadata (migration: 0007_recommend)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import utcnow
from bot.storage import Base, UTCDateTime


class RecItemRow(Base):
    """One catalog item. ``external_id`` is the id it has in the CSV it came from (imports
    update items by it); ``genres`` are canonical genre names joined by "|"; ``embedding``
    is the float16 text embedding of its title, genres and description (content similarity
    for items nobody has interacted with yet), filled in the background after an import."""

    __tablename__ = "rec_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # film | book | another word
    title: Mapped[str] = mapped_column(String(255))
    title_ru: Mapped[str | None] = mapped_column(String(255))
    genres: Mapped[str] = mapped_column(String(500))
    year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(16))  # demo | import
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecInteractionRow(Base):
    """A user met an item: a button press (like, dislike, seen) or an imported history row.

    Presses come from Sova's users (``user_id``); imported histories keep the user names
    of their file (``external_user``), which are never Sova users. Every press is kept; the
    latest one per user and item is the user's current opinion.
    """

    __tablename__ = "rec_interactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    external_user: Mapped[str | None] = mapped_column(String(64), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("rec_items.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # like | dislike | seen | import
    weight: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecTasteRow(Base):
    """What a user said they like when asked (onboarding): canonical genres joined by "|"."""

    __tablename__ = "rec_tastes"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    genres: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

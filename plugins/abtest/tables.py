"""The abtest plugin's tables, on Sova's shared metadata (migration: 0006_abtest)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import utcnow
from bot.storage import Base, UTCDateTime


class ExperimentRow(Base):
    """One experiment: its design, and the salt that makes its split reproducible."""

    __tablename__ = "abtest_experiments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # "<plugin>.<parameter>", as plugins ask for it with ctx.variant(...).
    parameter: Mapped[str] = mapped_column(String(128), index=True)
    # [{"name": "control", "weight": 50.0}, ...]; the first variant is the control.
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    primary_metric: Mapped[str] = mapped_column(String(64))
    guardrails: Mapped[list[str]] = mapped_column(JSON)
    mde: Mapped[float] = mapped_column(Float)  # relative, 0.05 = 5 %
    # Users per variant the experiment runs to; NULL until known (given, or computed once
    # from the first report with enough control users, then kept so the goal cannot drift).
    planned_n: Mapped[int | None] = mapped_column(Integer)
    salt: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # running | stopped
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExposureRow(Base):
    """A user met an experiment: the first time a plugin read the parameter for them."""

    __tablename__ = "abtest_exposures"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("abtest_experiments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    variant: Mapped[str] = mapped_column(String(64))
    exposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

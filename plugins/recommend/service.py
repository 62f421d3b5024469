"""The recommender without the chat: catalog, interactions, model, and the work between them.

The plugin (``__init__.py``) turns messages and presses into calls here and the results
into replies; tests drive this class directly.
"""

from __future__ import annotations

import asyncio
import csv
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.events import utcnow
from bot.storage import Database
from plugins.recommend.catalog import Catalog
from plugins.recommend.config import RecommendConfig
from plugins.recommend.content import ItemEmbedder
from plugins.recommend.csv_import import CatalogFile, HistoryFile, read_import
from plugins.recommend.model import ModelHolder, Snapshot, opinions
from plugins.recommend.ranking import Pick, Request, recommend
from plugins.recommend.store import Interaction, NewItem, RecommendStore, user_key
from plugins.recommend.vocabulary import canonical_kind, split_genres

log = logging.getLogger(__name__)

DEMO_CATALOG = Path(__file__).parent / "data" / "demo_catalog.csv"
PRESS_WEIGHTS = {"like": 1.0, "seen": 0.5, "dislike": 0.0}
"""A like is the strongest signal; "seen it" says the item was chosen (implicit feedback)
but not whether it pleased; a dislike only excludes."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str  # catalog | history
    added: int
    updated: int = 0  # catalog: items whose id existed; history: rows already there
    users: int = 0


def demo_items(path: Path = DEMO_CATALOG) -> list[NewItem]:
    with path.open(encoding="utf-8", newline="") as file:
        return [
            NewItem(
                external_id=row["id"], kind=canonical_kind(row["type"]), title=row["title"],
                title_ru=row.get("title_ru") or None, genres=split_genres(row["genres"]),
                year=int(row["year"]) if row.get("year") else None,
                description=row.get("description") or "", language=row.get("language") or None,
            )
            for row in csv.DictReader(file)
        ]  # fmt: skip


class RecommendService:
    def __init__(
        self,
        db: Database,
        config: RecommendConfig,
        *,
        algorithms: Sequence[str],
        embedder: ItemEmbedder | None = None,
    ) -> None:
        self.config = config
        self.store = RecommendStore(db)
        self.model = ModelHolder(config, algorithms)
        self.embedder = embedder
        self._catalog = Catalog.build([])

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def snapshot(self) -> Snapshot:
        return self.model.current

    # -- catalog -----------------------------------------------------------------------------
    async def seed_demo(self) -> int:
        """Load the demo catalog into an empty catalog; the number of items added."""
        if await self.store.count_items():
            return 0
        added, _ = await self.store.upsert_items(await asyncio.to_thread(demo_items),
                                                 source="demo")  # fmt: skip
        return added

    async def reload_catalog(self) -> Catalog:
        self._catalog = Catalog.build(await self.store.items())  # swapped whole
        return self._catalog

    async def embed_missing(self) -> int:
        """Embed the items that have no vector yet (new or changed), then reload."""
        if self.embedder is None:
            return 0
        items = await self.store.items_without_embedding()
        if not items:
            return 0
        blobs = await asyncio.to_thread(self.embedder, items)
        await self.store.set_embeddings(zip((i.id for i in items), blobs, strict=True))
        await self.reload_catalog()
        return len(items)

    # -- the model ---------------------------------------------------------------------------
    async def retrain(self) -> Snapshot:
        async def load() -> tuple[list[Interaction], list[int]]:
            interactions = await self.store.all_interactions()
            return interactions, [item.id for item in self._catalog.items]

        return await self.model.retrain(load)

    # -- a user's list -----------------------------------------------------------------------
    async def picks(self, user_id: int, request: Request, algorithm: str) -> list[Pick]:
        snapshot, catalog = self.model.current, self._catalog  # one of each for the request
        history = opinions(await self.store.user_interactions(user_id)).get(user_key(user_id), [])
        tastes = await self.store.tastes(user_id) or ()
        return await asyncio.to_thread(
            lambda: recommend(
                snapshot=snapshot, catalog=catalog, history=history, tastes=tastes,
                request=request, algorithm=algorithm,
                diversity=self.config.diversity,
                user_id=user_id,
            )
        )  # fmt: skip

    async def needs_onboarding(self, user_id: int) -> bool:
        """Nothing to go on: no presses and the taste question never answered."""
        if await self.store.tastes(user_id) is not None:
            return False
        history = opinions(await self.store.user_interactions(user_id)).get(user_key(user_id), [])
        return not any(o.positive for o in history)

    async def press(self, user_id: int, item_id: int, kind: str) -> None:
        await self.store.record_press(user_id, item_id, kind, PRESS_WEIGHTS[kind])

    # -- imports -----------------------------------------------------------------------------
    async def import_file(self, data: bytes, *, now: datetime | None = None) -> ImportResult:
        """Check and store a catalog or history CSV (``ImportProblem`` when it is wrong)."""
        known = await self.store.external_ids()
        parsed = await asyncio.to_thread(
            read_import, data, known, max_rows=self.config.max_import_rows, now=now or utcnow()
        )
        if isinstance(parsed, CatalogFile):
            added, updated = await self.store.upsert_items(parsed.items, source="import")
            await self.reload_catalog()
            return ImportResult("catalog", added, updated)
        assert isinstance(parsed, HistoryFile)
        already = await self.store.imported_pairs()
        fresh = [
            (r.external_user, known[r.external_item], r.weight, r.at)
            for r in parsed.rows
            if (r.external_user, known[r.external_item]) not in already
        ]
        await self.store.add_imported(fresh)
        return ImportResult("history", len(fresh), len(parsed.rows) - len(fresh), parsed.users)

"""A small catalog with clear taste clusters, histories that follow them, and a bag-of-words
embedder, so tests can say what a good answer is."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from bot.nlu.embeddings import EMBEDDING_SIZE
from bot.storage import Database
from plugins.recommend.algorithms import ALGORITHMS
from plugins.recommend.config import RecommendConfig
from plugins.recommend.content import ItemEmbedder
from plugins.recommend.service import RecommendService

GENRES = ("sci-fi", "comedy", "horror", "romance")
PER_GENRE = 10


def item_id(genre: str, number: int) -> str:
    return f"{genre}-{number}"


def catalog_csv(genres: Sequence[str] = GENRES, per_genre: int = PER_GENRE) -> bytes:
    lines = ["id,title,type,genres,year,description"]
    for genre in genres:
        for n in range(per_genre):
            kind = "film" if n % 2 == 0 else "book"
            lines.append(f"{item_id(genre, n)},{genre.title()} Story {n},{kind},{genre},"
                         f"{1990 + n},a {genre} story number {n}")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def history_csv(users_per_genre: int = 8, items_each: int = 6) -> bytes:
    """Users who stay in one genre; item n of a genre is met by more users the smaller n is
    (popularity skew), and every user's items come in time order."""
    lines = ["user,item,rating,timestamp"]
    rng = np.random.default_rng(7)
    for genre in GENRES:
        for u in range(users_per_genre):
            weights = 1.0 / (1.0 + np.arange(PER_GENRE))
            picks = rng.choice(
                PER_GENRE, size=items_each, replace=False, p=weights / weights.sum()
            )
            for t, n in enumerate(picks):
                lines.append(f"{genre}-fan-{u},{item_id(genre, int(n))},4,{1_700_000_000 + t}")
    return ("\n".join(lines) + "\n").encode()


class WordsEmbedder:
    """Texts as hashed bags of words: texts sharing words are close, others orthogonal-ish."""

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), EMBEDDING_SIZE), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest) % EMBEDDING_SIZE] += 1.0
        return out


def make_service(db: Database, *, embed: bool = False, **options: object) -> RecommendService:
    config = RecommendConfig.model_validate({"demo_catalog": False, **options})
    embedder = ItemEmbedder(WordsEmbedder()) if embed else None
    return RecommendService(db, config, algorithms=ALGORITHMS, embedder=embedder)


async def loaded_service(
    db: Database, *, embed: bool = False, **options: object
) -> RecommendService:
    """A service with the sample catalog and histories imported and a model trained."""
    service = make_service(db, embed=embed, **options)
    await service.import_file(catalog_csv())
    await service.import_file(history_csv())
    await service.embed_missing()
    await service.retrain()
    return service

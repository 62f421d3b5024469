"""``/rec import`` files: catalogs and histories are told apart by their header, and every
problem is reported precisely (row, column, value; how many rows share it), in both
languages, with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Translations
from bot.storage import Database
from plugins.recommend import Recommendations
from plugins.recommend.csv_import import CatalogFile, HistoryFile, ImportProblem, read_import
from tests.plugins.recommend.samples import catalog_csv, make_service

NOW = datetime(2026, 3, 10, tzinfo=UTC)
KNOWN = {"m1": 1, "m2": 2, "b1": 3}
TEXTS = Translations.load(Recommendations.folder() / "locales")


def problem(data: str, known: dict[str, int] = KNOWN) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        read_import(data.encode(), known, max_rows=1000, now=NOW)
    return caught.value


def said(found: ImportProblem, lang: str = "en") -> str:
    return TEXTS.t(found.key, lang, **found.values)


def test_a_catalog_is_read_with_canonical_types_and_genres() -> None:
    parsed = read_import(
        "id;title;type;genres;year;title_ru\n"
        "m1;Alien;Movie;Science Fiction, Horror;1979;Чужой\n"
        "b1;Dune;книга;фантастика|приключения;;\n".encode("cp1251"),
        {},
        max_rows=10,
        now=NOW,
    )
    assert isinstance(parsed, CatalogFile)
    alien, dune = parsed.items
    assert (alien.kind, alien.genres, alien.year, alien.title_ru) == (
        "film", ("sci-fi", "horror"), 1979, "Чужой",
    )  # fmt: skip
    assert (dune.kind, dune.genres, dune.year, dune.title_ru) == (
        "book", ("sci-fi", "adventure"), None, None,
    )  # fmt: skip


def test_a_movielens_style_history_is_read() -> None:
    parsed = read_import(
        b"userId,movieId,rating,timestamp\n7,m1,4.5,964982703\n7,m2,3,964982224\n8,m1,5,\n",
        KNOWN,
        max_rows=10,
        now=NOW,
    )
    assert isinstance(parsed, HistoryFile)
    assert parsed.users == 2
    first = parsed.rows[0]
    assert (first.external_user, first.external_item, first.weight) == ("7", "m1", 4.5)
    assert first.at == datetime.fromtimestamp(964982703, tz=UTC)
    assert parsed.rows[2].at == NOW  # no time: imported now


def test_missing_columns_are_named() -> None:
    found = problem("id,title,type\nm1,Alien,film\n")
    assert found.key == "import_missing_catalog_columns"
    assert said(found) == (
        "The catalog lacks the column(s): genres (found: id, title, type). A catalog needs "
        "id, title, type, genres (optional title_ru, year, description, language)."
    )
    history = problem("user,rating\nu1,5\n")
    assert history.key == "import_missing_history_columns"
    assert "lacks the column(s): item (found: user, weight)" in said(history)
    assert "В истории нет столбцов: item" in said(history, "ru")
    assert problem("foo,bar\n1,2\n").key == "import_unknown_format"


def test_unknown_item_ids_are_listed_with_their_rows() -> None:
    found = problem("user,item\nu1,m1\nu1,m9\nu2,m9\nu2,x7\nu3,m2\n")
    assert found.key == "import_unknown_items"
    assert said(found) == (
        "Item «m9» (rows 3, 4) is not in the catalog; 2 unknown item id(s) in all "
        "(others: x7). Import the catalog first or fix the ids. Nothing was imported."
    )


def test_duplicates_are_reported_with_both_rows() -> None:
    items = problem("id,title,type,genres\nm1,A,film,drama\nm2,B,film,drama\nm1,C,film,drama\n")
    assert said(items) == (
        "The item id «m1» appears more than once (rows 2, 4). Each item needs its own id."
    )
    pairs = problem("user,item,rating\nu1,m1,5\nu2,m1,4\nu1,m1,3\n")
    assert said(pairs) == (
        "Row 4 repeats user «u1» and item «m1» of row 2. Keep one row per user and item."
    )
    assert "Строка 4 повторяет пользователя «u1»" in said(pairs, "ru")


@pytest.mark.parametrize(
    ("data", "key", "values"),
    [
        ("id,title,type,genres,year\nm1,A,film,drama,soon\n", "import_not_a_number",
         {"row": 2, "column": "year", "value": "soon"}),
        ("id,title,type,genres\nm1,,film,drama\n", "import_empty_cell",
         {"row": 2, "column": "title"}),
        ("id,title,type,genres\nm1,A,film, \n", "import_empty_cell",
         {"row": 2, "column": "genres"}),
        ("user,item,weight\nu1,m1,-1\n", "import_weight_not_positive", {"row": 2, "value": "-1"}),
        ("user,item,timestamp\nu1,m1,yesterday\n", "import_bad_time",
         {"row": 2, "column": "timestamp", "value": "yesterday"}),
        ("", "import_empty", {}),
        ("user,item\n", "import_no_rows", {}),
    ],
)  # fmt: skip
def test_bad_values_name_row_and_column(data: str, key: str, values: dict[str, object]) -> None:
    found = problem(data)
    assert (found.key, found.values) == (key, values)
    for lang in ("en", "ru"):
        assert "{" not in said(found, lang)  # every placeholder is filled


def test_too_many_rows_and_binary_files_are_refused() -> None:
    with pytest.raises(ImportProblem) as caught:
        read_import(b"user,item\n" + b"u,m1\n" * 11, KNOWN, max_rows=10, now=NOW)
    assert caught.value.values == {"limit": 10}
    with pytest.raises(ImportProblem) as caught:
        read_import(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", KNOWN, max_rows=10, now=NOW)
    assert caught.value.key == "import_not_text"


async def test_a_bad_file_changes_nothing(database: Database) -> None:
    service = make_service(database)
    await service.import_file(catalog_csv())
    items = await service.store.count_items()
    with pytest.raises(ImportProblem):
        await service.import_file(b"user,item\nu1,sci-fi-0\nu1,nope\n")
    with pytest.raises(ImportProblem):
        await service.import_file(b"id,title,type,genres\nz1,Z,film,drama\nz1,Z,film,drama\n")
    assert await service.store.count_items() == items
    assert await service.store.all_interactions() == []
    # The same history twice: the second time adds nothing.
    history = b"user,item\nu1,sci-fi-0\nu2,sci-fi-1\n"
    first = await service.import_file(history)
    second = await service.import_file(history)
    assert (first.added, second.added, second.updated) == (2, 0, 2)

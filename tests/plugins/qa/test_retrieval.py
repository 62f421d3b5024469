"""Retrieval: Russian questions find English passages and back; Sova's own docs answer."""

from __future__ import annotations

import pytest

from plugins.qa.index import SearchMode
from plugins.qa.ingest import REPO_ROOT, sova_docs
from plugins.qa.knowledge_base import KnowledgeBase

DOCUMENTS = {
    "backups.md": "# Backups\n\nThe database is backed up every night at 3 a.m. and copies are "
    "kept for thirty days on a separate server.",
    "eiffel.md": "# The Eiffel Tower\n\nThe Eiffel Tower in Paris is 330 metres tall and was "
    "completed in 1889 for the World's Fair.",
    "photosynthesis.md": "# Photosynthesis\n\nPlants turn sunlight, water and carbon dioxide "
    "into sugar and oxygen in their leaves.",
    "baikal.md": "# Байкал\n\nБайкал — самое глубокое озеро на планете: его глубина достигает "
    "1642 метров, а вода в нём очень чистая.",
    "password.md": "# Пароль\n\nЧтобы сменить пароль, откройте настройки профиля, нажмите "
    "«Безопасность» и введите новый пароль дважды.",
    "trains.md": "# Поезда\n\nНочной поезд из Москвы в Казань отправляется в девять вечера и "
    "прибывает утром.",
}


@pytest.fixture
async def topics(sqlite_kb: KnowledgeBase) -> KnowledgeBase:
    for name, text in DOCUMENTS.items():
        await sqlite_kb.add(text.encode(), filename=name, source=name)
    return sqlite_kb


@pytest.mark.parametrize("mode", [SearchMode.FUSED, SearchMode.DENSE])
@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("Когда делается резервная копия базы данных?", "Backups"),
        ("Какой высоты Эйфелева башня?", "The Eiffel Tower"),
        ("Что растения делают с солнечным светом?", "Photosynthesis"),
        ("How deep is Lake Baikal?", "Байкал"),
        ("How do I change my password?", "Пароль"),
        ("When does the night train to Kazan leave?", "Поезда"),
    ],
)
async def test_a_question_finds_the_passage_in_the_other_language(
    topics: KnowledgeBase, question: str, title: str, mode: SearchMode
) -> None:
    hits = await topics.search(question, k=3, mode=mode)
    assert hits[0].document_title == title
    assert hits[0].dense_score > hits[1].dense_score


async def test_hits_carry_scores_and_sources(topics: KnowledgeBase) -> None:
    hits = await topics.search("When is the database backed up?", k=10)
    assert len(hits) == len(DOCUMENTS)
    best = hits[0]
    assert (best.document_title, best.heading) == ("Backups", "Backups")
    assert best.text.startswith("The database is backed up every night")
    assert best.lexical_score > 0 and best.dense_score > 0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    lexical = await topics.search("When is the database backed up?", k=10, mode=SearchMode.LEXICAL)
    assert [h.document_title for h in lexical] == ["Backups"]  # only passages sharing a word
    assert lexical[0].score == lexical[0].lexical_score


async def test_a_word_shared_across_languages_does_not_outvote_the_meaning(
    topics: KnowledgeBase,
) -> None:
    # "Paris" is the only word of the question the index knows, from the tower's passage.
    # Weighted as usual it would put the tower first; the question's low coverage lets
    # the meaning decide.
    question = "Когда делается резервная копия базы данных в Paris?"
    assert topics.retriever.index.coverage(question) < 0.3
    hits = await topics.search(question, k=1)
    assert hits[0].document_title == "Backups"


async def test_sova_answers_questions_about_itself(sqlite_kb: KnowledgeBase) -> None:
    report = await sqlite_kb.sync_files(sova_docs(), scope=REPO_ROOT)
    assert {d.title for d in report.added} >= {"Sova", "Writing a plugin"}

    voice = await sqlite_kb.search("как включить голосовые ответы?", k=3)
    assert "/voice on" in voice[0].text

    reminder = await sqlite_kb.search("how do I set a reminder?", k=3)
    assert "remind" in reminder[0].text.lower()
    assert any("remind me" in hit.text for hit in reminder)

    voice_en = await sqlite_kb.search("how do I turn on voice replies?", k=3)
    assert any("/voice on" in hit.text for hit in voice_en)

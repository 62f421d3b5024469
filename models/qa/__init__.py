"""Extractive question answering: the reader of the QA plugin's retrieve-then-read pipeline.

- ``answer``: ``Answer`` (a span of one passage with its score) and ``is_answer``.
- ``reader``: ``QaReader`` — ``read(question, passages, top_k)`` with any local Hugging Face
  QA checkpoint, or ``QaReader.packaged()``: packaged MiniLM + Sova's trained delta.
- ``spec``: ``qa_reader_spec``, so the model registry serves a reader.
- ``train``: ``sova train qa``, fine-tuning on SQuAD-format JSON into a small delta file
  (``training_data``: the labelled windows, negatives, batch order).
- ``squad_eval``: SQuAD data loading and the official EM/F1.
- ``sentences``: answer-sentence selection, the cheap baseline.
- ``evaluate``: reader and baseline on held-out articles.
- ``windows``, ``spans``, ``checkpoint``, ``delta``, ``packaged``: the parts of the reader.

Nothing here imports torch or transformers at import time.
"""

from models.qa.answer import Answer, is_answer
from models.qa.reader import QaReader, ReadingOptions
from models.qa.spec import QaRequest, qa_reader_spec
from models.qa.windows import WindowOptions

__all__ = [
    "Answer",
    "QaReader",
    "QaRequest",
    "ReadingOptions",
    "WindowOptions",
    "is_answer",
    "qa_reader_spec",
]

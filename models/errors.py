"""Errors a caller of a model can get, besides whatever the model's own code raises."""

from __future__ import annotations


class ModelError(Exception):
    """Base class: the model layer refused or gave up on a request."""


class ModelBusy(ModelError):
    """The model's queue is full. Raised at once instead of waiting, so an overloaded model
    turns into a quick, clear failure of one turn rather than a pile of stuck turns."""


class ModelTimeout(ModelError, TimeoutError):
    """No result within the model's ``timeout_s`` (queue wait included). Also a
    ``TimeoutError``, so code that handles timeouts generically still catches it."""


class ModelClosed(ModelError):
    """The batcher or registry was closed; no new requests are accepted."""

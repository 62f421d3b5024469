"""Experiments on plugin parameters: which variant of a parameter a user gets.

The runtime knows no experiment plugin. It owns one ``Experiments`` slot; a plugin that runs
experiments (``plugins/abtest``) registers an ``ExperimentService`` in it at setup. Plugins
read a parameter with one call, ``await ctx.variant("voice.reply_mode", "text")``: the
service picks the user's variant and records that the user met the experiment (the
exposure). Without a service, or when no running experiment controls the parameter, the
caller's default comes back, so code that reads variants works the same with experiments
switched off.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class ExperimentService(Protocol):
    """What an experiment plugin provides."""

    async def variant(self, parameter: str, user_id: int, default: str) -> str:
        """The variant of ``parameter`` for ``user_id``, recording the exposure; ``default``
        when no running experiment controls the parameter."""
        ...


class Experiments:
    """The runtime's slot for the experiment service; defaults until one registers."""

    def __init__(self) -> None:
        self._service: ExperimentService | None = None

    @property
    def service(self) -> ExperimentService | None:
        return self._service

    def register(self, service: ExperimentService) -> None:
        """Install ``service``; one at a time, since two would split users twice."""
        if self._service is not None and self._service is not service:
            raise RuntimeError("an experiment service is already registered")
        self._service = service

    def unregister(self, service: ExperimentService) -> None:
        """Remove ``service`` (a plugin's teardown); a no-op if another one is installed."""
        if self._service is service:
            self._service = None

    async def variant(self, parameter: str, user_id: int, default: str) -> str:
        """The user's variant of ``parameter``, or ``default`` without a running experiment.

        A failing service is logged and the default is used: the experiment must never
        break the feature it measures.
        """
        service = self._service
        if service is None:
            return default
        try:
            return await service.variant(parameter, user_id, default)
        except Exception:
            log.exception("experiment service failed on %r for user %s", parameter, user_id)
            return default

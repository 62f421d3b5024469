"""Prometheus metrics of one Sova instance.

Each ``Metrics`` owns its own ``CollectorRegistry`` instead of the process-global one, so
tests and several ``Sova`` instances in one process never clash over metric names.

Counters that other parts already keep (bus lane counters, Telegram ``DeliveryStats``) are
not duplicated: a custom collector reads them at scrape time, so the numbers can never drift
from the source and the hot path pays nothing for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

# Stage timings range from a cache hit (~1 ms) to the stage timeout (30 s by default).
LATENCY_BUCKETS = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip

# Turn outcomes that are failures; they are also counted in sova_errors_total{kind=outcome}.
ERROR_OUTCOMES = frozenset({"error", "timeout"})


class BusStatsLike(Protocol):
    """What the collector reads from ``bot.bus.SubscriptionStats`` (structural, so this
    module does not depend on the bus package)."""

    @property
    def topic(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def queued(self) -> int: ...
    @property
    def in_flight(self) -> int: ...
    @property
    def handled(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def timed_out(self) -> int: ...
    @property
    def dropped(self) -> int: ...


class DeliveryStatsLike(Protocol):
    """What the collector reads from ``bot.channels.telegram_retry.DeliveryStats``
    (structural: importing the Telegram channel would pull aiogram into every process)."""

    @property
    def retry_after(self) -> int: ...
    @property
    def retries(self) -> int: ...


BusStatsFn = Callable[[], Iterable[BusStatsLike]]
TelegramStatsFn = Callable[[], DeliveryStatsLike]


class Metrics:
    """All of Sova's metrics; ``render()`` gives the Prometheus text exposition format."""

    # The classic text format: every Prometheus version parses it. (The library's
    # CONTENT_TYPE_LATEST announces format 1.0.0, which generate_latest does not produce.)
    CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "sova_messages",
            "Inbound messages handled by the pipeline, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.stage_latency = Histogram(
            "sova_stage_latency_seconds",
            "Time spent in one pipeline stage of one message",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.turn_latency = Histogram(
            "sova_turn_latency_seconds",
            "Time of one whole turn (sum of its stages)",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "sova_errors",
            "Failures by kind: turn outcomes error/timeout, bus handler errors, ...",
            ["kind"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "sova_deliveries",
            "Replies handed to a channel, by result (sent/failed)",
            ["channel", "status"],
            registry=self.registry,
        )
        self._scraped = _ScrapeTimeCollector()
        self.registry.register(self._scraped)

    # -- hot path ----------------------------------------------------------------------------
    def observe_turn(self, outcome: str, latency_ms: Mapping[str, float]) -> None:
        """One finished turn; ``latency_ms`` is ``StageClock.latency_ms`` (stage → ms)."""
        self.messages.labels(outcome=outcome).inc()
        for stage, ms in latency_ms.items():
            self.stage_latency.labels(stage=stage).observe(ms / 1000)
        self.turn_latency.observe(sum(latency_ms.values()) / 1000)
        if outcome in ERROR_OUTCOMES:
            self.errors.labels(kind=outcome).inc()

    def observe_delivery(self, channel: str, ok: bool) -> None:
        self.deliveries.labels(channel=channel, status="sent" if ok else "failed").inc()

    def observe_error(self, kind: str) -> None:
        """A failure outside a turn's outcome, e.g. ``"bus_handler"`` from the bus error hook.
        ``kind`` must come from a small fixed set: every value is a new time series."""
        self.errors.labels(kind=kind).inc()

    # -- read at scrape time -----------------------------------------------------------------
    def track_bus(self, stats_fn: BusStatsFn) -> None:
        """Export per-subscription queue depth and counters from e.g. ``MemoryBus.stats``."""
        self._scraped.bus_stats = stats_fn

    def track_telegram(self, stats_fn: TelegramStatsFn) -> None:
        """Export Telegram retry counters, e.g. ``lambda: channel.stats``."""
        self._scraped.telegram_stats = stats_fn

    def render(self) -> bytes:
        """The registry in Prometheus text format (``CONTENT_TYPE``)."""
        return generate_latest(self.registry)


class _ScrapeTimeCollector(Collector):
    """Reads counters owned elsewhere on every scrape; nothing is exported until tracked."""

    def __init__(self) -> None:
        self.bus_stats: BusStatsFn | None = None
        self.telegram_stats: TelegramStatsFn | None = None

    def collect(self) -> Iterator[Metric]:
        if self.bus_stats is not None:
            yield from _bus_metrics(list(self.bus_stats()))
        if self.telegram_stats is not None:
            stats = self.telegram_stats()
            yield CounterMetricFamily(
                "sova_telegram_retry_after",
                "Bot API 429 (retry after) answers waited out",
                value=stats.retry_after,
            )
            yield CounterMetricFamily(
                "sova_telegram_retries",
                "Bot API calls repeated for any reason (429 included)",
                value=stats.retries,
            )

    def describe(self) -> Iterator[Metric]:
        # Nothing to declare up front: the families depend on what gets tracked later.
        return iter(())


def _bus_metrics(snapshot: list[BusStatsLike]) -> Iterator[Metric]:
    labels = ["topic", "group"]
    depth = GaugeMetricFamily(
        "sova_bus_queue_depth", "Events accepted and waiting, per subscription", labels=labels
    )
    in_flight = GaugeMetricFamily(
        "sova_bus_in_flight", "Handlers running now, per subscription", labels=labels
    )
    events = CounterMetricFamily(
        "sova_bus_events",
        "Events finished by a subscription, by result",
        labels=[*labels, "result"],
    )
    for s in snapshot:
        key = [s.topic, s.group]
        depth.add_metric(key, s.queued)
        in_flight.add_metric(key, s.in_flight)
        for result, count in (
            ("handled", s.handled),
            ("failed", s.failed),
            ("timed_out", s.timed_out),
            ("dropped", s.dropped),
        ):
            events.add_metric([*key, result], count)
    yield from (depth, in_flight, events)

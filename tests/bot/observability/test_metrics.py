from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.bus.stats import SubscriptionStats
from bot.channels.telegram_retry import DeliveryStats
from bot.observability import Metrics


def samples(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Parse the exposition back: (sample name, labels) → value."""
    text = metrics.render().decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(metrics: Metrics, name: str, **labels: str) -> float | None:
    return samples(metrics).get((name, frozenset(labels.items())))


def test_turns_and_deliveries_render_with_labels() -> None:
    m = Metrics()
    m.observe_turn("ok", {"record": 2.0, "nlu": 40.0, "handler": 900.0})
    m.observe_turn("ok", {"record": 1.0})
    m.observe_turn("timeout", {"record": 1.0, "handler": 30_000.0})
    m.observe_delivery("telegram", ok=True)
    m.observe_delivery("telegram", ok=False)
    m.observe_error("bus_handler")

    assert value(m, "sova_messages_total", outcome="ok") == 2
    assert value(m, "sova_messages_total", outcome="timeout") == 1
    assert value(m, "sova_errors_total", kind="timeout") == 1
    assert value(m, "sova_errors_total", kind="bus_handler") == 1
    assert value(m, "sova_errors_total", kind="ok") is None
    assert value(m, "sova_deliveries_total", channel="telegram", status="sent") == 1
    assert value(m, "sova_deliveries_total", channel="telegram", status="failed") == 1
    # Milliseconds in, seconds out; 40 ms falls in the 50 ms bucket, not the 25 ms one.
    assert value(m, "sova_stage_latency_seconds_count", stage="record") == 3
    assert value(m, "sova_stage_latency_seconds_sum", stage="handler") == 30.9
    assert value(m, "sova_stage_latency_seconds_bucket", stage="nlu", le="0.025") == 0
    assert value(m, "sova_stage_latency_seconds_bucket", stage="nlu", le="0.05") == 1
    assert value(m, "sova_turn_latency_seconds_count") == 3


def test_bus_gauges_are_read_at_scrape_time() -> None:
    m = Metrics()
    queued = {"n": 0}
    calls = []

    def stats() -> list[SubscriptionStats]:
        calls.append(1)
        return [
            SubscriptionStats("message.in", "pipeline", queued["n"], 2, 10, 1, 0, 0),
            SubscriptionStats("reply.out", "delivery", 0, 0, 7, 0, 1, 0),
        ]

    m.track_bus(stats)
    assert calls == []  # nothing read until a scrape
    assert value(m, "sova_bus_queue_depth", topic="message.in", group="pipeline") == 0
    assert len(calls) == 1  # one scrape, one read
    queued["n"] = 5
    assert value(m, "sova_bus_queue_depth", topic="message.in", group="pipeline") == 5
    assert value(m, "sova_bus_in_flight", topic="message.in", group="pipeline") == 2
    events = dict(topic="reply.out", group="delivery")
    assert value(m, "sova_bus_events_total", result="timed_out", **events) == 1
    assert value(m, "sova_bus_events_total", result="handled", **events) == 7


def test_telegram_counters_follow_delivery_stats() -> None:
    m = Metrics()
    stats = DeliveryStats()
    m.track_telegram(lambda: stats)
    assert value(m, "sova_telegram_retry_after_total") == 0
    stats.retry_after, stats.retries = 2, 3
    assert value(m, "sova_telegram_retry_after_total") == 2
    assert value(m, "sova_telegram_retries_total") == 3


def test_instances_do_not_share_a_registry() -> None:
    a, b = Metrics(), Metrics()
    a.observe_turn("ok", {})
    assert value(a, "sova_messages_total", outcome="ok") == 1
    assert value(b, "sova_messages_total", outcome="ok") is None

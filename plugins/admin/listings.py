"""/jobs and /audit: two read-only listings, in the admin's time zone."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.scheduler import ScheduledJob
from bot.storage import AuditRecord

Translate = Callable[..., str]

MAX_JOBS_SHOWN = 50
AUDIT_DEFAULT, AUDIT_MAX = 20, 200
DETAILS_CHARS = 120
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def format_jobs(jobs: Sequence[ScheduledJob], tz: ZoneInfo, t: Translate) -> str:
    if not jobs:
        return t("jobs_none")
    lines = [t("jobs_header", count=len(jobs), tz=str(tz))]
    for job in jobs[:MAX_JOBS_SHOWN]:
        when = job.next_run.astimezone(tz).strftime(TIME_FORMAT) if job.next_run else t("paused")
        lines.append(t("jobs_line", when=when, job=job.job, id=job.id))
    if len(jobs) > MAX_JOBS_SHOWN:
        lines.append(t("jobs_more", count=len(jobs) - MAX_JOBS_SHOWN))
    return "\n".join(lines)


def audit_limit(args: str) -> int | None:
    """``""`` → the default; a number → clamped to 1..AUDIT_MAX; anything else → None."""
    text = args.strip()
    if not text:
        return AUDIT_DEFAULT
    if not text.isdigit():
        return None
    return max(1, min(AUDIT_MAX, int(text)))


def format_audit(records: Sequence[AuditRecord], tz: ZoneInfo, t: Translate) -> str:
    if not records:
        return t("audit_none")
    lines = [t("audit_header", count=len(records))]
    for record in records:
        details = (
            json.dumps(record.details, ensure_ascii=False, default=str) if record.details else ""
        )
        if len(details) > DETAILS_CHARS:
            details = details[: DETAILS_CHARS - 1] + "…"
        lines.append(
            t(
                "audit_line",
                when=record.created_at.astimezone(tz).strftime(TIME_FORMAT),
                actor=record.actor_id,
                action=record.action,
                target=record.target or "",
                details=details,
            ).rstrip()
        )
    return "\n".join(lines)

"""Reminders and timers: "напомни мне через 2 минуты позвонить маме", "start a 5 minute timer".

Each reminder is a row in ``reminders`` plus a one-shot scheduler job. The row is the truth:
firing first claims it (scheduled → fired, atomically), so a job that runs twice, or a
reconciliation at start that races the scheduler, still delivers exactly one message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from bot.events import OutboundReply
from bot.i18n import format_duration, format_in, format_when
from bot.plugins import Context, Plugin, command, intent, job
from bot.storage import UserDirectory
from plugins.reminders.store import Reminder, ReminderStore

log = logging.getLogger(__name__)

FIRE_JOB = "reminders.fire"
MAX_AHEAD = timedelta(days=5 * 366)
# A reminder delivered more than this after its time says it is late, and why.
LATE_AFTER = timedelta(minutes=1)


class RemindersConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_active_per_user: int = Field(default=100, ge=1)
    max_timer_s: int = Field(default=7 * 24 * 3600, ge=1)


class Reminders(Plugin):
    name = "reminders"
    config_model = RemindersConfig

    async def setup(self) -> None:
        self.store = ReminderStore(self.runtime.db)

    async def started(self) -> None:
        """Re-create jobs lost in a crash (a job is removed from the store as it starts)."""
        job_ids = {j.id for j in await self.runtime.scheduler.jobs()}
        now = datetime.now(ZoneInfo("UTC"))
        for reminder in await self.store.all_scheduled():
            if reminder.job_id in job_ids:
                continue
            if reminder.due_at <= now:
                await self.fire(reminder_id=reminder.id)
            else:
                await self._schedule_job(reminder)

    async def forget_user(self, user_id: int) -> None:
        for reminder in await self.store.delete_user(user_id):
            if reminder.job_id:
                await self.runtime.scheduler.cancel(reminder.job_id)

    # -- intents ----------------------------------------------------------------------------
    @intent("set_reminder", required=("when", "what"))
    async def set_reminder(self, ctx: Context, when: datetime, what: str) -> int | None:
        if when <= ctx.now:
            ctx.ask("when", ctx.t("when_past", when=format_when(when, ctx.now, ctx.lang)))
            return None
        if when - ctx.now > MAX_AHEAD:
            ctx.ask("when", ctx.t("when_too_far"))
            return None
        if ctx.previous is not None:
            await self._cancel_by_id(int(ctx.previous))
        elif not await self._has_room(ctx):
            return None
        reminder = await self._create(ctx, kind="reminder", text=what, name=None, due_at=when)
        key = "reminder_updated" if ctx.previous is not None else "reminder_set"
        await ctx.reply(
            ctx.t(
                key,
                what=what,
                when=format_when(when, ctx.now, ctx.lang),
                in_=format_in(when, ctx.now, ctx.lang),
            )
        )
        return reminder.id

    @intent("set_timer", required=("duration",))
    async def set_timer(self, ctx: Context, duration: int, name: str | None) -> int | None:
        config = self.config
        assert isinstance(config, RemindersConfig)
        if duration <= 0:
            ctx.ask("duration", ctx.t("timer_zero"))
            return None
        if duration > config.max_timer_s:
            limit = format_duration(config.max_timer_s, ctx.lang)
            ctx.ask("duration", ctx.t("timer_too_long", limit=limit))
            return None
        if ctx.previous is not None:
            await self._cancel_by_id(int(ctx.previous))
        elif not await self._has_room(ctx):
            return None
        due_at = ctx.now + timedelta(seconds=duration)
        reminder = await self._create(ctx, kind="timer", text=name or "", name=name, due_at=due_at)
        await ctx.reply(
            ctx.t(
                "timer_set",
                duration=format_duration(duration, ctx.lang, accusative=True),
                name_part=ctx.t("timer_name_part", name=name) if name else "",
                clock=due_at.astimezone(ctx.tz).strftime("%H:%M:%S"),
            )
        )
        return reminder.id

    @intent("list_reminders")
    async def list_reminders(self, ctx: Context) -> None:
        await ctx.reply(await self._listing(ctx))

    @intent("cancel_reminder")
    async def cancel_reminder(self, ctx: Context, number: float | None, what: str | None) -> None:
        active = await self.store.active(ctx.chat_id, ctx.user_id)
        if not active:
            await ctx.reply(ctx.t("cancel_nothing"))
            return
        target = self._pick(active, number, what)
        if target is None and number is None and what is None and len(active) > 1:
            await ctx.reply(await self._listing(ctx))
            ctx.ask("number", ctx.t("cancel_which"))
            return
        if target is None and len(active) == 1 and number is None and what is None:
            target = active[0]
        if target is None:
            await ctx.reply(ctx.t("cancel_not_found") + "\n" + await self._listing(ctx))
            return
        await self._cancel_by_id(target.id)
        await ctx.reply(
            ctx.t("cancel_done", text=self._label(ctx, target), when=self._when(ctx, target))
        )

    # -- commands -----------------------------------------------------------------------------
    @command("reminders")
    async def reminders_command(self, ctx: Context, args: str) -> None:
        """List your reminders and timers."""
        await ctx.reply(await self._listing(ctx))

    @command("timezone")
    async def timezone_command(self, ctx: Context, args: str) -> None:
        """Show or set your time zone: /timezone Europe/London"""
        if not args:
            await ctx.reply(ctx.t("timezone_current", tz=str(ctx.tz)))
            return
        try:
            zone = ZoneInfo(args.strip())
        except (ZoneInfoNotFoundError, ValueError):
            await ctx.reply(ctx.t("timezone_bad", value=args.strip()))
            return
        await UserDirectory(ctx.db).set_timezone(ctx.user_id, str(zone))
        await ctx.reply(ctx.t("timezone_set", tz=str(zone)))

    # -- the job ------------------------------------------------------------------------------
    @job("fire")
    async def fire(self, *, reminder_id: int) -> None:
        reminder = await self.store.get(reminder_id)
        if reminder is None or not await self.store.mark(reminder_id, "fired"):
            return  # cancelled, or already delivered by a concurrent run
        lang = reminder.lang
        if reminder.kind == "timer":
            duration = (reminder.due_at - reminder.created_at).total_seconds()
            name = self.t("timer_name_part", lang, name=reminder.name) if reminder.name else ""
            text = self.t(
                "timer_fired",
                lang,
                duration=format_duration(duration, lang, accusative=True),
                name_part=name,
            )
        else:
            text = self.t("reminder_fired", lang, what=reminder.text)
        delay = datetime.now(ZoneInfo("UTC")) - reminder.due_at
        if delay > LATE_AFTER:
            text += " " + self.t(
                "late",
                lang,
                delay=format_duration(
                    60 * round(delay.total_seconds() / 60), lang, accusative=True
                ),
            )
        await self.runtime.send(
            OutboundReply(
                chat_id=reminder.chat_id,
                user_id=reminder.user_id,
                lang=lang,
                channel=reminder.channel,
                text=text,
            )
        )

    # -- helpers -------------------------------------------------------------------------------
    async def _has_room(self, ctx: Context) -> bool:
        config = self.config
        assert isinstance(config, RemindersConfig)
        count = await self.store.count_active(ctx.user_id)
        if count >= config.max_active_per_user:
            await ctx.reply(ctx.t("too_many", count=count))
            return False
        return True

    async def _create(
        self, ctx: Context, *, kind: str, text: str, name: str | None, due_at: datetime
    ) -> Reminder:
        reminder = await self.store.add(
            chat_id=ctx.chat_id,
            user_id=ctx.user_id,
            channel=ctx.message.channel,
            kind=kind,
            text=text,
            name=name,
            due_at=due_at,
            timezone=str(ctx.tz),
            lang=ctx.lang,
        )
        await self._schedule_job(reminder)
        return reminder

    async def _schedule_job(self, reminder: Reminder) -> None:
        job_id = f"reminder-{reminder.id}"
        await self.runtime.scheduler.add_at(
            reminder.due_at, FIRE_JOB, job_id=job_id, reminder_id=reminder.id
        )
        await self.store.set_job(reminder.id, job_id)

    async def _cancel_by_id(self, reminder_id: int) -> None:
        reminder = await self.store.get(reminder_id)
        if reminder is None:
            return
        if await self.store.mark(reminder_id, "cancelled") and reminder.job_id:
            await self.runtime.scheduler.cancel(reminder.job_id)

    @staticmethod
    def _pick(active: list[Reminder], number: float | None, what: str | None) -> Reminder | None:
        if number is not None:
            index = int(number) - 1
            return active[index] if 0 <= index < len(active) else None
        if what:
            labels = [r.text or (r.name or "") for r in active]
            best = process.extractOne(what, labels, scorer=fuzz.WRatio, score_cutoff=60)
            return active[best[2]] if best else None
        return None

    async def _listing(self, ctx: Context) -> str:
        active = await self.store.active(ctx.chat_id, ctx.user_id)
        if not active:
            return ctx.t("list_empty")
        lines = [ctx.t("list_header")]
        for n, reminder in enumerate(active, start=1):
            when = self._when(ctx, reminder)
            if reminder.kind == "timer":
                name = ctx.t("timer_name_part", name=reminder.name) if reminder.name else ""
                lines.append(ctx.t("list_item_timer", n=n, when=when, name_part=name))
            else:
                lines.append(ctx.t("list_item_reminder", n=n, when=when, text=reminder.text))
        return "\n".join(lines)

    @staticmethod
    def _when(ctx: Context, reminder: Reminder) -> str:
        return format_when(reminder.due_at, ctx.now, ctx.lang)

    @staticmethod
    def _label(ctx: Context, reminder: Reminder) -> str:
        if reminder.kind == "timer":
            return ctx.t("timer_label") + (f" «{reminder.name}»" if reminder.name else "")
        return reminder.text

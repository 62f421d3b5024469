"""The user's own account: /start, /settings (language, time zone, voice replies), /forget."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.events import Button
from bot.plugins import Context, Plugin, button, command
from bot.storage import AuditLog, UserDirectory, UserSetting

LANGUAGES = {"ru": "Русский", "en": "English"}
# Offered as buttons; any other IANA zone works with /timezone NAME (reminders plugin).
TIMEZONE_PRESETS = (
    "Europe/Kaliningrad", "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk",
    "Asia/Vladivostok", "Europe/London", "America/New_York", "UTC",
)  # fmt: skip
VOICE_REPLIES = UserSetting.VOICE_REPLIES


class Account(Plugin):
    name = "account"

    @command("start")
    async def start(self, ctx: Context, args: str) -> None:
        """Start a conversation and choose a language."""
        name = ctx.user.display_name or ctx.user.username or ""
        await ctx.reply(ctx.t("welcome", name=name).strip(), buttons=[self._language_row(ctx)])

    @command("settings")
    async def settings(self, ctx: Context, args: str) -> None:
        """Language, time zone and voice replies."""
        await ctx.reply(self._settings_text(ctx), buttons=self._settings_buttons(ctx))

    @command("forget")
    async def forget(self, ctx: Context, args: str) -> None:
        """Delete everything Sova stored about you (asks first)."""
        await ctx.reply(
            ctx.t("forget_confirm"),
            buttons=[
                [
                    ctx.button(ctx.t("forget_yes"), "forget", "yes"),
                    ctx.button(ctx.t("forget_no"), "forget", "no"),
                ]
            ],
        )

    @button("lang")
    async def choose_language(self, ctx: Context, args: str) -> None:
        if args not in LANGUAGES:
            await ctx.reply(ctx.t("bad_choice"))
            return
        await UserDirectory(ctx.db).set_lang(ctx.user_id, args)
        ctx.lang = args
        await ctx.reply(ctx.t("language_set", language=LANGUAGES[args]))

    @button("tz")
    async def choose_timezone(self, ctx: Context, args: str) -> None:
        try:
            zone = ZoneInfo(args)
        except (ZoneInfoNotFoundError, ValueError):
            await ctx.reply(ctx.t("bad_choice"))
            return
        await UserDirectory(ctx.db).set_timezone(ctx.user_id, str(zone))
        await ctx.reply(ctx.t("timezone_set", tz=str(zone)))

    @button("voice")
    async def choose_voice(self, ctx: Context, args: str) -> None:
        enabled = args == "on"
        await UserDirectory(ctx.db).set_setting(ctx.user_id, VOICE_REPLIES, enabled)
        await ctx.reply(ctx.t("voice_on" if enabled else "voice_off"))

    @button("forget")
    async def confirm_forget(self, ctx: Context, args: str) -> None:
        if args != "yes":
            await ctx.reply(ctx.t("forget_kept"))
            return
        for plugin in self.runtime.plugin_registry().plugins.values():
            await plugin.forget_user(ctx.user_id)
        deleted = await UserDirectory(ctx.db).forget(ctx.user_id)
        await AuditLog(ctx.db).record(ctx.user_id, "user.forget", str(ctx.user_id), deleted)
        await ctx.reply(ctx.t("forget_done", messages=deleted.get("messages", 0)))

    # -- helpers -------------------------------------------------------------------------------
    def _language_row(self, ctx: Context) -> list[Button]:
        return [ctx.button(label, "lang", code) for code, label in LANGUAGES.items()]

    def _settings_text(self, ctx: Context) -> str:
        voice = ctx.user.settings.get(VOICE_REPLIES, False)
        return ctx.t(
            "settings",
            language=LANGUAGES.get(ctx.user.lang or ctx.lang, ctx.lang),
            tz=str(ctx.tz),
            voice=ctx.t("state_on" if voice else "state_off"),
        )

    def _settings_buttons(self, ctx: Context) -> list[list[Button]]:
        zones = [
            ctx.button(zone.split("/")[-1].replace("_", " "), "tz", zone)
            for zone in TIMEZONE_PRESETS
        ]
        voice = ctx.user.settings.get(VOICE_REPLIES, False)
        return [
            self._language_row(ctx),
            zones[:4],
            zones[4:],
            [
                ctx.button(
                    ctx.t("voice_button_off" if voice else "voice_button_on"),
                    "voice",
                    "off" if voice else "on",
                )
            ],
        ]

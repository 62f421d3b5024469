"""/plugins: list plugins, switch them off and on, reload one (teardown + setup).

Switching off is the registry's: a disabled plugin's intents, commands, buttons and events
are not routed, and users get a polite "switched off". The admin plugin refuses to switch
itself off, since nothing could switch it on again short of a restart.
"""

from __future__ import annotations

import contextlib
import logging

from bot.events import Button
from bot.plugin_registry import PluginRegistry
from bot.plugins import Context, Plugin
from bot.storage import AuditLog

log = logging.getLogger(__name__)

SELF = "admin"


class PluginControl:
    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin
        self.audit = AuditLog(plugin.runtime.db)

    @property
    def registry(self) -> PluginRegistry:
        return self.plugin.runtime.plugin_registry()

    async def command(self, ctx: Context, args: str) -> None:
        verb, _, name = args.partition(" ")
        verb, name = verb.lower(), name.strip()
        if not verb or verb in ("list", "ls"):
            await self.show(ctx)
            return
        actions = {"disable": self.disable, "enable": self.enable, "reload": self.reload}
        action = actions.get(verb)
        if action is None or not name:
            await ctx.reply(ctx.t("plugins_usage"))
            return
        if name not in self.registry.plugins:
            known = ", ".join(sorted(self.registry.plugins))
            await ctx.reply(ctx.t("plugins_unknown", name=name, known=known))
            return
        await action(ctx, name)

    async def toggle(self, ctx: Context, name: str) -> None:
        """A button press: flip one plugin, then show the list again."""
        if name not in self.registry.plugins:
            await ctx.reply(ctx.t("plugins_unknown", name=name, known=""))
            return
        if self.registry.is_enabled(name):
            await self.disable(ctx, name)
        else:
            await self.enable(ctx, name)

    async def show(self, ctx: Context) -> None:
        lines = [ctx.t("plugins_header")]
        buttons: list[list[Button]] = []
        for manifest in sorted(self.registry.manifests(), key=lambda m: m.name):
            key = "plugins_line_on" if manifest.enabled else "plugins_line_off"
            title = manifest.title.get(ctx.lang, manifest.name)
            lines.append(ctx.t(key, name=manifest.name, title=title))
            if manifest.name == SELF:
                continue
            label = ctx.t(
                "plugins_button_off" if manifest.enabled else "plugins_button_on",
                name=manifest.name,
            )
            # A name too long for Telegram's 64-byte button data gets no button: command only.
            with contextlib.suppress(ValueError):
                buttons.append([ctx.button(label, "toggle", manifest.name)])
        lines.append(ctx.t("plugins_hint"))
        await ctx.reply("\n".join(lines), buttons=buttons)

    async def disable(self, ctx: Context, name: str) -> None:
        if name == SELF:
            await ctx.reply(ctx.t("plugins_cannot_disable_self"))
            return
        was = self.registry.is_enabled(name)
        self.registry.disable(name)
        await self.audit.record(ctx.user_id, "plugins.disable", name, {"was_enabled": was})
        await ctx.reply(ctx.t("plugins_disabled" if was else "plugins_already_off", name=name))

    async def enable(self, ctx: Context, name: str) -> None:
        was = self.registry.is_enabled(name)
        self.registry.enable(name)
        await self.audit.record(ctx.user_id, "plugins.enable", name, {"was_enabled": was})
        await ctx.reply(ctx.t("plugins_enabled" if not was else "plugins_already_on", name=name))

    async def reload(self, ctx: Context, name: str) -> None:
        """Run the plugin's teardown and setup again and re-read its texts. Its code, config,
        intents (the NLU model) and scheduled jobs are not reloaded: that needs a restart."""
        registry = self.registry
        target = registry.plugins[name]
        was = registry.is_enabled(name)
        # Off while it is half set up, so no message reaches it in between; the admin plugin
        # stays on (this very handler is it).
        if name != SELF:
            registry.disable(name)
        error = None
        try:
            await target.teardown()
            target.__dict__.pop("texts", None)  # a cached_property: next use re-reads locales
            await target.setup()
        except Exception as exc:
            log.exception("reload of plugin %s failed", name)
            error = f"{type(exc).__name__}: {exc}"
        if error is None and was:
            registry.enable(name)
        details: dict[str, object] = {"was_enabled": was, "ok": error is None}
        if error:
            details["error"] = error
        await self.audit.record(ctx.user_id, "plugins.reload", name, details)
        if error is not None:
            await ctx.reply(ctx.t("plugins_reload_failed", name=name, error=error))
        else:
            await ctx.reply(ctx.t("plugins_reloaded", name=name))

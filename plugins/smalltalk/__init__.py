"""Greetings, help built from every plugin's manifest, and the fallback for unclear messages."""

from __future__ import annotations

from bot.plugins import Context, Manifest, Plugin, command, fallback, intent

# Alternatives below this probability are noise, not worth suggesting.
SUGGEST_MIN_PROBABILITY = 0.15
MAX_SUGGESTIONS = 2


class SmallTalk(Plugin):
    name = "smalltalk"

    @intent("greet")
    async def greet(self, ctx: Context) -> None:
        name = ctx.user.display_name or ctx.user.username
        await ctx.reply(ctx.t("greet", name=name) if name else ctx.t("greet_anonymous"))

    @intent("goodbye")
    async def goodbye(self, ctx: Context) -> None:
        await ctx.reply(ctx.t("goodbye"))

    @intent("thanks")
    async def thanks(self, ctx: Context) -> None:
        await ctx.reply(ctx.t("thanks"))

    @intent("about")
    async def about(self, ctx: Context) -> None:
        await ctx.reply(ctx.t("about"))

    @intent("help")
    async def help(self, ctx: Context) -> None:
        await ctx.reply(self.help_text(ctx.lang, self.runtime.manifests(), ctx.is_admin))

    @command("help")
    async def help_command(self, ctx: Context, args: str) -> None:
        """What I can do, and the commands."""
        await self.help(ctx)

    @fallback()
    async def not_understood(self, ctx: Context) -> None:
        titles = _intent_titles(self.runtime.manifests(), ctx.lang)
        options = [
            titles[name]
            for name, probability in ctx.alternatives[:MAX_SUGGESTIONS]
            if probability >= SUGGEST_MIN_PROBABILITY and name in titles
        ]
        if options:
            await ctx.reply(ctx.t("fallback_suggest", options=ctx.t("or").join(options)))
        else:
            await ctx.reply(ctx.t("fallback"))

    def help_text(self, lang: str, manifests: list[Manifest], is_admin: bool) -> str:
        lines = [self.t("help_header", lang)]
        commands: list[str] = []
        for manifest in manifests:
            if not manifest.enabled:
                continue
            examples = ", ".join(
                f"«{e}»" if lang == "ru" else f'"{e}"' for e in manifest.examples.get(lang, ())[:3]
            )
            lines.append(
                self.t(
                    "help_plugin",
                    lang,
                    title=manifest.title.get(lang, manifest.name),
                    description=manifest.description.get(lang, ""),
                    examples=examples,
                )
            )
            commands += [
                f"/{c.name} — {c.help.get(lang, '')}"
                for c in manifest.commands
                if is_admin or not c.admin
            ]
        if commands:
            lines.append(self.t("help_commands", lang, commands="\n" + "\n".join(commands)))
        return "\n".join(lines)


def _intent_titles(manifests: list[Manifest], lang: str) -> dict[str, str]:
    return {
        name: titles[lang]
        for manifest in manifests
        if manifest.enabled
        for name, titles in manifest.intent_titles.items()
        if lang in titles
    }

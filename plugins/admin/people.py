"""/users: find people, ban and unban them, make them administrators and take that back.

Roles live in ``users.role`` (``bot.storage.Role``); the pipeline ignores banned users'
messages and lets admins (by role, or listed in ``[admin] users``) run admin commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from bot.plugins import Context, Plugin
from bot.storage import AuditLog, Role, UserDirectory, UserRow

FIND_LIMIT = 20


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    username: str | None
    display_name: str | None
    role: str
    channel: str
    lang: str | None
    last_seen_at: datetime


def _person(row: UserRow) -> Person:
    return Person(
        id=row.id, username=row.username, display_name=row.display_name, role=row.role,
        channel=row.channel, lang=row.lang, last_seen_at=row.last_seen_at,
    )  # fmt: skip


class People:
    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin
        self.db = plugin.runtime.db
        self.users = UserDirectory(self.db)
        self.audit = AuditLog(self.db)

    @property
    def config_admins(self) -> tuple[int, ...]:
        return self.plugin.runtime.settings.admin.users

    async def command(self, ctx: Context, args: str) -> None:
        verb, _, rest = args.partition(" ")
        verb, rest = verb.lower(), rest.strip()
        if verb == "find" and rest:
            await self.find(ctx, rest)
            return
        roles = {
            "ban": Role.BANNED,
            "unban": Role.USER,
            "promote": Role.ADMIN,
            "demote": Role.USER,
        }
        if verb not in roles or not rest:
            await ctx.reply(ctx.t("users_usage"))
            return
        person = await self.resolve(rest)
        if person is None:
            await ctx.reply(ctx.t("users_not_found", who=rest))
            return
        await self.change_role(ctx, verb, person, roles[verb].value)

    async def find(self, ctx: Context, text: str) -> None:
        people = await self.search(text)
        if not people:
            await ctx.reply(ctx.t("users_none", text=text))
            return
        lines = [ctx.t("users_found", count=len(people))]
        lines += [self.describe(ctx, p) for p in people]
        await ctx.reply("\n".join(lines))

    def describe(self, ctx: Context, person: Person) -> str:
        role = person.role + (
            ctx.t("users_role_config") if person.id in self.config_admins else ""
        )
        return ctx.t(
            "users_line",
            id=person.id,
            username=f"@{person.username}" if person.username else "—",
            name=person.display_name or "—",
            role=role,
            channel=person.channel,
            seen=person.last_seen_at.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M"),
        )

    async def search(self, text: str) -> list[Person]:
        """By id (exact), or a part of the username or display name, any case."""
        query = text.strip().lstrip("@")
        conditions = []
        if query.lstrip("-").isdigit():
            conditions.append(UserRow.id == int(query))
        # SQLite's LIKE folds ASCII case only; trying the usual spellings of the query too
        # finds "Иван" for "иван" there (PostgreSQL's ILIKE needs none of it).
        for variant in {query, query.lower(), query.upper(), query.capitalize(), query.title()}:
            conditions.append(UserRow.username.icontains(variant, autoescape=True))
            conditions.append(UserRow.display_name.icontains(variant, autoescape=True))
        statement = select(UserRow).where(or_(*conditions)).order_by(UserRow.id).limit(FIND_LIMIT)
        async with self.db.session() as session:
            return [_person(row) for row in await session.scalars(statement)]

    async def resolve(self, who: str) -> Person | None:
        """``123`` (an id) or ``@name`` (a username, any case) to one person."""
        who = who.strip()
        if who.lstrip("-").isdigit():
            condition = UserRow.id == int(who)
        elif who.startswith("@") and len(who) > 1:
            condition = func.lower(UserRow.username) == who[1:].lower()
        else:
            return None
        async with self.db.session() as session:
            row = (await session.scalars(select(UserRow).where(condition).limit(1))).first()
            return _person(row) if row else None

    async def change_role(self, ctx: Context, verb: str, person: Person, role: str) -> None:
        refusal = self._refusal(ctx, verb, person)
        if refusal is not None:
            await ctx.reply(refusal)
            return
        if verb == "unban" and person.role != Role.BANNED.value:
            await ctx.reply(ctx.t("users_not_banned", id=person.id))
            return
        if verb == "demote" and person.role != Role.ADMIN.value:
            await ctx.reply(ctx.t("users_not_admin", id=person.id))
            return
        await self.users.set_role(person.id, role)
        await self.audit.record(
            ctx.user_id, f"users.{verb}", str(person.id), {"from": person.role, "to": role}
        )
        name = f"@{person.username}" if person.username else (person.display_name or "")
        text = ctx.t(f"users_{verb}_done", id=person.id, name=name)
        if verb == "demote" and person.id in self.config_admins:
            text += "\n" + ctx.t("users_still_config_admin", id=person.id)
        await ctx.reply(text)

    def _refusal(self, ctx: Context, verb: str, person: Person) -> str | None:
        if verb == "ban" and person.id == ctx.user_id:
            return ctx.t("users_cannot_ban_self")
        if verb == "demote" and person.id == ctx.user_id:
            return ctx.t("users_cannot_demote_self")
        if verb == "ban" and person.id in self.config_admins:
            # The pipeline drops a banned user's messages before checking [admin] users, so
            # this would lock out someone the config says is an administrator.
            return ctx.t("users_cannot_ban_config_admin", id=person.id)
        return None

"""The Discord bot: minimal intents, no pings, cogs over the shared use cases."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.adapters.discord.cogs.digest import DigestCommands
from bot.adapters.discord.cogs.editor import BriefEditor
from bot.adapters.discord.cogs.intake import intake_commands
from bot.adapters.discord.cogs.reader import BriefReader
from bot.adapters.discord.deps import DiscordDeps
from bot.adapters.discord.digest_poster import (
    DIGEST_BUDGET,
    DiscordDigestPoster,
    GlobalPacer,
    measure_digest,
)
from bot.adapters.discord.errors import ErrorHandlingTree
from bot.adapters.discord.review_queue import QueueButton
from bot.domain.errors import NotConfigured
from bot.platforms.heap import settle_startup_heap
from bot.platforms.runtime import DigestRuntime

log = logging.getLogger(__name__)

COMMANDS_HASH_KEY = "discord.commands_hash"
NEWSROOM_KEY = "discord.newsroom_synced"  # the guild the editor commands were last synced to


def intents() -> discord.Intents:
    """Guilds only: slash commands need no privileged intents (no members, no messages)."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


class BriefingBot(commands.Bot):
    """The bot. Everything it uses is handed in through :class:`DiscordDeps`."""

    def __init__(
        self,
        deps: DiscordDeps,
        *,
        guild_ready_timeout: float = 2.0,
        sync_on_start: bool = True,
        digests: bool = True,
        pacer: GlobalPacer | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ErrorHandlingTree,
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            **options,
        )
        self.deps = deps
        if isinstance(self.tree, ErrorHandlingTree):
            self.tree.newsroom = deps.newsroom
        self.sync_on_start = sync_on_start
        self.digests = digests
        self.runtime = DigestRuntime.of(
            "discord",
            deps,
            DiscordDigestPoster(self, pacer),
            budget=DIGEST_BUDGET,
            measure=measure_digest,
        )
        self.delivery = self.runtime.delivery
        self.scheduler = self.runtime.scheduler
        self.corrections = self.runtime.corrections
        self._serving_logged = False
        self._arriving: set[int] = set()  # guilds READY listed that have not arrived yet

    async def setup_hook(self) -> None:
        await self.add_cog(BriefReader(self.deps))
        if (newsroom := self.newsroom_guild()) is not None:
            # Editor commands exist in the newsroom only; the global list is for readers.
            editor = BriefEditor(self.deps)
            assert editor.app_command is not None  # a GroupCog always has its group
            for command in intake_commands():
                editor.app_command.add_command(command)
            await self.add_cog(editor, guild=newsroom)
        # Review-queue buttons work on any card ever sent, across restarts.
        self.add_dynamic_items(QueueButton)
        await self.add_cog(DigestCommands(self.runtime.settings))
        if self.sync_on_start:
            await self.sync_commands_if_changed()
        if self.digests:
            await self.start_digests()

    async def start_digests(self) -> None:
        """Rebuild the digest jobs; catch up and send notices once connected."""
        await self.runtime.start(ready=self.wait_until_ready)

    async def close(self) -> None:
        """Stop the digests first so none starts while the connection closes."""
        await self.runtime.stop()
        await super().close()

    def newsroom_guild(self) -> discord.Object | None:
        server_id = self.deps.newsroom.server_id
        return discord.Object(id=int(server_id)) if server_id is not None else None

    def commands_hash(self) -> str:
        """A hash of the command definitions as Discord would receive them: the global list
        and the newsroom guild's (with its id, so moving the newsroom syncs again)."""
        newsroom = self.newsroom_guild()
        payload = {
            "global": self._definitions(None),
            "newsroom": newsroom and [newsroom.id, self._definitions(newsroom)],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def _definitions(self, guild: discord.Object | None) -> list[dict[str, Any]]:
        return sorted(
            (command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)),
            key=lambda c: str(c["name"]),
        )

    async def sync_commands_if_changed(self) -> bool:
        """Sync global and newsroom commands only when their definition changed since the
        last sync."""
        current = self.commands_hash()
        if await self.deps.app_state.get(COMMANDS_HASH_KEY) == current:
            log.info("slash commands unchanged; not syncing")
            return False
        synced = await self._sync_global_and_newsroom()
        if synced is None:
            return False  # the hash is not kept: the next start tries again
        await self.deps.app_state.set(COMMANDS_HASH_KEY, current)
        log.info("synced %d slash commands", synced)
        return True

    async def _sync_global_and_newsroom(self) -> int | None:
        """Global commands, the newsroom's, and an empty list for a previous newsroom.

        None if the newsroom refused them: a wrong id, or a server the bot is not in, should
        not take the readers' commands down with it.
        """
        synced = len(await self.tree.sync())
        newsroom = self.newsroom_guild()
        if newsroom is not None:
            try:
                synced += len(await self.tree.sync(guild=newsroom))
            except discord.Forbidden:
                log.error(
                    "cannot register the editor commands in the newsroom %s: is the bot in "
                    "that server, invited with applications.commands? "
                    "(BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID)",
                    newsroom.id,
                )
                return None
        previous = await self.deps.app_state.get(NEWSROOM_KEY)
        current = str(newsroom.id) if newsroom is not None else ""
        if previous and previous != current:
            await self._clear_guild(int(previous))
        await self.deps.app_state.set(NEWSROOM_KEY, current)
        return synced

    async def _clear_guild(self, guild_id: int) -> None:
        """Take the editor commands out of the old newsroom (the run-time check refuses
        them there anyway, so losing access to that guild is only logged)."""
        try:
            await self.tree.sync(guild=discord.Object(id=guild_id))
        except discord.HTTPException as error:
            log.warning("could not clear the old newsroom %s's commands: %s", guild_id, error)

    async def sync_commands(self, guild_id: int | None = None) -> int:
        """Sync now: globally and to the newsroom (recording the hash), or copied to one
        server for testing (editor commands only ever go to the newsroom)."""
        if guild_id is None:
            synced = await self._sync_global_and_newsroom()
            if synced is None:
                raise NotConfigured("Discord refused the commands for the newsroom server")
            await self.deps.app_state.set(COMMANDS_HASH_KEY, self.commands_hash())
            return synced
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return len(await self.tree.sync(guild=guild))

    # discord.py's on_ready comes ``guild_ready_timeout`` (2 s) after the last GUILD_CREATE,
    # a quiet period it waits for in case more guilds arrive. Commands are answered from the
    # READY event on, and READY lists every guild, so "serving" is logged as soon as each of
    # them has arrived: the moment a reader's command finds the bot fully there.
    async def on_connect(self) -> None:
        self._arriving = {guild.id for guild in self.guilds if guild.unavailable}
        self._log_serving()

    async def on_guild_available(self, guild: discord.Guild) -> None:
        self._arriving.discard(guild.id)
        self._log_serving()

    def _log_serving(self, *, anyway: bool = False) -> None:
        if not self._serving_logged and (anyway or not self._arriving):
            self._serving_logged = True
            log.info("serving commands in %d servers", len(self.guilds))
            settle_startup_heap()

    async def on_ready(self) -> None:
        self._log_serving(anyway=True)  # a guild in an outage never arrives
        user = self.user
        log.info("connected as %s (%s) to %d servers", user, user and user.id, len(self.guilds))


class ShardedBriefingBot(BriefingBot, commands.AutoShardedBot):
    """The same bot over one gateway connection per shard it runs (``shard_ids`` of
    ``shard_count``): discord.py's AutoShardedClient. Other processes run the other shards."""

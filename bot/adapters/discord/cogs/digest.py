"""``/digest …``: set up, preview, post now, check and switch off this server's digest.

Every server runs its own digest, so these belong to its own Manage Server members, not to
the newsroom's editors (editor roles from the newsroom mean nothing in another server).
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.checks import managers_only
from bot.adapters.discord.embeds import NEUTRAL_COLOUR, digest_embeds
from bot.adapters.discord.errors import UserFacingError
from bot.delivery_port import DeliveryStatus
from bot.domain.ledger import LedgerRow, LedgerStatus
from bot.domain.schedule import zone_names
from bot.domain.servers import ServerSchedule
from bot.usecases.digest_settings import DigestSettings

REQUIRED = ("view_channel", "send_messages", "embed_links")
QUIET_CHOICES = [
    app_commands.Choice(name="post a short 'no new developments' digest", value="post"),
    app_commands.Choice(name="skip the day", value="skip"),
]


class ChannelHere(app_commands.Transformer):
    """A text or announcement channel of the server the command runs in.

    discord.py's own ``TextChannel`` option fails with a bare TransformerError (answered as
    an internal error) for a channel it cannot resolve in this server's cache, e.g. one from
    another server; this says what is wrong instead.
    """

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        guild = interaction.guild
        channel = guild.get_channel(int(value.id)) if guild is not None else None
        if not isinstance(channel, discord.TextChannel):
            raise UserFacingError(
                "That channel is not in this server; pick a text or announcement channel here."
            )
        return channel


def _event_day(text: str) -> Date:
    try:
        return Date.fromisoformat(text.strip())
    except ValueError:
        raise UserFacingError(f"date: '{text[:40]}' is not a date; use YYYY-MM-DD") from None


def discord_time(moment: datetime, style: str = "F") -> str:
    """Discord's ``<t:…>`` markup: every reader sees the moment in their own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def message_link(guild_id: str, channel_id: str | None, message_id: str | None) -> str | None:
    if not channel_id or not message_id:
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class DigestCommands(commands.GroupCog, group_name="digest", group_description="Daily digest"):
    """Digest settings live in the database; the scheduler follows them at once."""

    def __init__(self, digests: DigestSettings) -> None:
        self.digests = digests
        super().__init__()

    @app_commands.command(name="setup", description="Post a daily digest in a channel")
    @app_commands.describe(
        channel="Where the digest is posted",
        time="Local time, 24-hour HH:MM (e.g. 08:00)",
        timezone="IANA time zone, e.g. Asia/Seoul (start typing)",
        topics="Only these topics, comma-separated (default: all)",
        quiet_days="On days with nothing new",
    )
    @app_commands.choices(quiet_days=QUIET_CHOICES)
    @managers_only()
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: app_commands.Transform[discord.TextChannel, ChannelHere],
        time: app_commands.Range[str, 1, 10],
        timezone: app_commands.Range[str, 1, 64],
        topics: str | None = None,
        quiet_days: app_commands.Choice[str] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        schedule = self.digests.parse(
            str(channel.id), time, timezone, topics, quiet_days.value if quiet_days else "post"
        )
        assert isinstance(interaction.user, discord.Member)  # managers_only: in a server
        self._check_channel(guild, channel, interaction.user)
        done = await self.digests.set_up(str(guild.id), schedule)
        local = done.next_digest.astimezone(schedule.tz)
        what = ", ".join(schedule.topics) if schedule.topics else "all topics"
        await interaction.response.send_message(
            f"Daily digest set: {channel.mention} at {schedule.time_text} {schedule.timezone} "
            f"({what}; quiet days: {schedule.quiet_days.value}).\n"
            f"Next digest: {local:%A %d %B %Y, %H:%M} {local.tzname()} — "
            f"{discord_time(done.next_digest)}.",
            ephemeral=True,
        )

    @app_commands.command(name="preview", description="See exactly what would be posted now")
    @app_commands.describe(date="Instead: what happened on this day (YYYY-MM-DD, event date)")
    @managers_only()
    async def preview(self, interaction: discord.Interaction, date: str | None = None) -> None:
        server = await self._server(interaction)
        preview = await self.digests.preview(server, _event_day(date) if date else None)
        embeds = digest_embeds(preview.digest, preview.marker)
        await interaction.response.send_message(embeds=embeds, ephemeral=True)

    @app_commands.command(name="now", description="Post today's digest now (counts as today's)")
    @managers_only()
    async def now(self, interaction: discord.Interaction) -> None:
        server = await self._server(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.digests.post_now(server)
        link = message_link(server.server_id, server.schedule.channel_id, result.message_id)
        if result.status is DeliveryStatus.POSTED:
            text = f"Posted today's digest: {link}"
        elif result.status is DeliveryStatus.NOT_CLAIMED:
            text = f"Not posted: {result.reason or 'today’s digest is already handled'}."
            if link:
                text += f" It is here: {link}"
        else:
            text = f"Not posted ({result.status.value}): {result.reason}"
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="status", description="Next digest, last result and any problem")
    @managers_only()
    async def status(self, interaction: discord.Interaction) -> None:
        status = await self.digests.status(await self._server(interaction))
        server, schedule = status.server, status.server.schedule
        embed = discord.Embed(title="Daily digest", colour=NEUTRAL_COLOUR)
        embed.add_field(name="Channel", value=f"<#{schedule.channel_id}>")
        embed.add_field(name="Time", value=f"{schedule.time_text} {schedule.timezone}")
        embed.add_field(name="Next", value=discord_time(status.next_digest))
        topics = ", ".join(schedule.topics) if schedule.topics else "all"
        embed.add_field(name="Topics", value=topics)
        embed.add_field(name="Quiet days", value=schedule.quiet_days.value)
        lines = [self._describe(server, row) for row in status.recent] or ["No digest posted yet."]
        embed.add_field(name="Recent digests", value="\n".join(lines)[:1024], inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="off", description="Stop the daily digest")
    @managers_only()
    async def off(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        was_on = await self.digests.switch_off(str(guild.id))
        text = "The daily digest is off." if was_on else "The daily digest was not on."
        await interaction.response.send_message(text, ephemeral=True)

    @setup.autocomplete("timezone")
    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower().replace(" ", "_")
        matches = [name for name in zone_names() if needle in name.lower()]
        return [app_commands.Choice(name=name, value=name) for name in matches[:25]]

    # -- helpers --------------------------------------------------------------------------

    async def _server(self, interaction: discord.Interaction) -> ServerSchedule:
        assert interaction.guild is not None
        server = await self.digests.current(str(interaction.guild.id))
        if server is None:
            raise UserFacingError(
                "No daily digest is set up here yet: use /digest setup channel time timezone."
            )
        return server

    @staticmethod
    def _describe(server: ServerSchedule, row: LedgerRow) -> str:
        day = row.local_date.isoformat()
        if row.status is LedgerStatus.POSTED:
            link = message_link(server.server_id, row.channel_id, row.message_id)
            return f"{day}: posted — {link}"
        if row.status is LedgerStatus.CLAIMED:
            return f"{day}: being posted (attempt {row.attempts})"
        reason = f": {row.last_error}" if row.last_error else ""
        return f"{day}: {row.status.value}{reason}"

    @staticmethod
    def _check_channel(
        guild: discord.Guild, channel: discord.TextChannel, member: discord.Member
    ) -> None:
        if channel.guild.id != guild.id:
            raise UserFacingError("That channel is in another server; pick one in this server.")
        # Otherwise Manage Server alone would let someone post, through the bot, where they
        # themselves may not.
        theirs = channel.permissions_for(member)
        if not (theirs.view_channel and theirs.send_messages):
            raise UserFacingError(
                f"You can't send messages in {channel.mention}, so the digest can't go there "
                "on your say-so; pick a channel you can post in."
            )
        missing = [
            name.replace("_", " ").title()
            for name in REQUIRED
            if not getattr(channel.permissions_for(guild.me), name)
        ]
        if missing:
            raise UserFacingError(
                f"I can't post in {channel.mention}: missing {', '.join(missing)}. "
                "Give the bot those permissions there, or pick another channel."
            )

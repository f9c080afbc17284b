"""``/brief digest …``: set up, preview, post now, check and switch off this workspace's digest.

Every workspace runs its own digest, so these belong to its own admins and owners, not to
the newsroom's editors.

Settings live in the server store under platform ``slack`` and the workspace's team id;
the scheduler follows them at once, and the shared ledger keeps one digest per local day.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import render
from bot.adapters.slack.blocks import Reply, context, fields_section, section
from bot.adapters.slack.deps import Invocation
from bot.adapters.slack.errors import UserFacingError
from bot.adapters.slack.escape import escape
from bot.adapters.slack.parsing import channel_id, options, parse_date, words
from bot.adapters.slack.permissions import ONLY_ADMINS, Access
from bot.adapters.slack.render import slack_date
from bot.delivery_port import DeliveryStatus
from bot.domain.ledger import LedgerRow, LedgerStatus
from bot.domain.servers import ServerSchedule
from bot.usecases.digest_settings import DigestSettings

USAGE = (
    "Usage: `/brief digest setup #channel 08:00 Asia/Seoul [topics=a,b] [quiet=post|skip]`, "
    "`/brief digest preview [YYYY-MM-DD]|now|status|off`."
)


class DigestCommands:
    def __init__(self, digests: DigestSettings, access: Access) -> None:
        self.digests = digests
        self.access = access

    async def run(self, inv: Invocation, client: AsyncWebClient) -> Reply:
        await self.access.require_admin(client, inv.user_id, ONLY_ADMINS)
        action, _, rest = inv.text.strip().partition(" ")
        action = action.lower()
        if action == "setup":
            return await self.setup(inv, rest, client)
        if action == "preview":
            return await self.preview(inv, rest)
        if action == "now":
            return await self.now(inv)
        if action == "status":
            return await self.status(inv)
        if action == "off":
            return await self.off(inv)
        raise UserFacingError(USAGE)

    async def setup(self, inv: Invocation, text: str, client: AsyncWebClient) -> Reply:
        positional, named = options(words(text))
        if len(positional) != 3:
            raise UserFacingError(USAGE)
        channel = channel_id(positional[0])
        schedule = self.digests.parse(
            channel, positional[1], positional[2], named.get("topics"), named.get("quiet", "post")
        )
        await _ensure_member(client, channel)
        done = await self.digests.set_up(inv.team_id, schedule)
        local = done.next_digest.astimezone(schedule.tz)
        what = ", ".join(schedule.topics) if schedule.topics else "all topics"
        text = (
            f"Daily digest set: <#{channel}> at {schedule.time_text} {schedule.timezone} "
            f"({what}; quiet days: {schedule.quiet_days.value}).\n"
            f"Next digest: {local:%A %d %B %Y, %H:%M} {local.tzname()} — "
            f"{slack_date(done.next_digest)}."
        )
        return Reply(text=text, blocks=[section(text)])

    async def preview(self, inv: Invocation, text: str = "") -> Reply:
        """What ``now`` would post; with a date, what happened on that day (event date)."""
        server = await self._server(inv)
        given = words(text)
        day = parse_date(given[0], "date") if given else None
        preview = await self.digests.preview(server, day)
        return Reply(
            text=render.digest_text(preview.digest),
            blocks=render.digest_blocks(preview.digest, preview.marker),
        )

    async def now(self, inv: Invocation) -> Reply:
        server = await self._server(inv)
        result = await self.digests.post_now(server)
        where = f"<#{server.schedule.channel_id}>"
        if result.status is DeliveryStatus.POSTED:
            text = f"Posted today's digest in {where}."
        elif result.status is DeliveryStatus.NOT_CLAIMED:
            reason = escape(result.reason or "today's digest is already handled")
            text = f"Not posted: {reason}. See {where}."
        else:
            text = f"Not posted ({result.status.value}): {escape(result.reason or '')}"
        return Reply(text=text, blocks=[section(text)])

    async def status(self, inv: Invocation) -> Reply:
        status = await self.digests.status(await self._server(inv))
        schedule = status.server.schedule
        lines = [_describe(row) for row in status.recent] or ["No digest posted yet."]
        blocks = [
            section("*Daily digest*"),
            fields_section(
                [
                    f"*Channel*\n<#{schedule.channel_id}>",
                    f"*Time*\n{schedule.time_text} {schedule.timezone}",
                    f"*Next*\n{slack_date(status.next_digest)}",
                    f"*Topics*\n{', '.join(schedule.topics) or 'all'}",
                    f"*Quiet days*\n{schedule.quiet_days.value}",
                ]
            ),
            section("*Recent digests*\n" + "\n".join(lines)),
        ]
        return Reply(text="Daily digest status", blocks=blocks)

    async def off(self, inv: Invocation) -> Reply:
        was_on = await self.digests.switch_off(inv.team_id)
        text = "The daily digest is off." if was_on else "The daily digest was not on."
        return Reply(text=text, blocks=[section(text), context("`/brief digest setup` to resume")])

    async def _server(self, inv: Invocation) -> ServerSchedule:
        server = await self.digests.current(inv.team_id)
        if server is None:
            raise UserFacingError(
                "No daily digest is set up here yet: "
                "`/brief digest setup #channel 08:00 Asia/Seoul`."
            )
        return server


async def _ensure_member(client: AsyncWebClient, channel: str) -> None:
    """Join a public channel the bot is not in; explain how to invite it to a private one."""
    try:
        info = (await client.conversations_info(channel=channel)).get("channel") or {}
    except SlackApiError as error:
        if error.response.get("error") == "channel_not_found":
            raise UserFacingError(
                f"I can't see <#{channel}>: if it is private, invite me first "
                "(`/invite @Briefing Bot` in that channel)."
            ) from None
        raise
    if info.get("is_member"):
        return
    if info.get("is_private") or info.get("is_im") or info.get("is_mpim"):
        raise UserFacingError(f"Invite me to <#{channel}> first (`/invite @Briefing Bot`).")
    await client.conversations_join(channel=channel)


def _describe(row: LedgerRow) -> str:
    day = row.local_date.isoformat()
    if row.status is LedgerStatus.POSTED:
        return f"{day}: posted in <#{row.channel_id}>"
    if row.status is LedgerStatus.CLAIMED:
        return f"{day}: being posted (attempt {row.attempts})"
    reason = f": {escape(row.last_error)}" if row.last_error else ""
    return f"{day}: {row.status.value}{reason}"

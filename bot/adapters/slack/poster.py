"""Posting digests in Slack: the :class:`~bot.delivery.DigestPoster` port over ``chat.postMessage``.

Slack has no message nonce: "exactly once" rests on the ledger's claim, and after a crash or
a failed try on finding the digest's marker (in its last context block) among the bot's
recent messages (``conversations.history``).
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import MAX_BLOCKS, Block, context, section
from bot.adapters.slack.escape import safe
from bot.adapters.slack.render import correction_blocks, digest_blocks, digest_size, digest_text
from bot.delivery_port import DeliveryTarget, PermanentDeliveryError, TransientDeliveryError
from bot.domain.corrections import CorrectionNotice
from bot.domain.digest import Digest
from bot.domain.intake_records import PollBatch, notice_text

log = logging.getLogger(__name__)

HISTORY_LOOKBACK = 50
DIGEST_BUDGET = MAX_BLOCKS
measure_digest = digest_size

PERMANENT = {
    "channel_not_found": "the channel no longer exists or the bot cannot see it",
    "not_in_channel": "the bot is not in the channel: invite it there (/invite @Briefing Bot)",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let the bot post in that channel",
    "missing_scope": "the app lacks a permission (scope); reinstall it from the manifest",
    "invalid_auth": "Slack refused the bot token",
    "not_authed": "Slack refused the bot token",
    "account_inactive": "the app was removed from the workspace",
    "token_revoked": "the app was removed from the workspace",
    "team_access_not_granted": "the app is not allowed in this workspace",
}
# How Slack's editors open the review queue (the newsroom's notice says it).
INTAKE_COMMAND = "/brief queue"
TRANSIENT = {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}


class SlackDigestPoster:
    """Posts a digest into a channel by id; errors become plain-words delivery errors."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._bot_ids: tuple[str, str] | None = None

    async def post(self, target: DeliveryTarget, digest: Digest, nonce: str, marker: str) -> str:
        return await self._send(target, digest_text(digest), digest_blocks(digest, marker))

    async def post_notice(
        self, target: DeliveryTarget, notice: CorrectionNotice, nonce: str, marker: str
    ) -> str:
        return await self._send(target, notice.heading, correction_blocks(notice, marker))

    async def post_intake(
        self, target: DeliveryTarget, batch: PollBatch, nonce: str, marker: str
    ) -> str:
        text = safe(notice_text(batch, INTAKE_COMMAND), 2900)
        return await self._send(target, text, intake_blocks(text, marker))

    async def _send(self, target: DeliveryTarget, text: str, blocks: list[Block]) -> str:
        try:
            response = await self._client.chat_postMessage(
                channel=target.channel_id,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            raise delivery_error(error, target) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(
                f"could not reach Slack ({type(error).__name__})"
            ) from None
        return str(response.get("ts"))

    async def find_posted(self, target: DeliveryTarget, marker: str) -> str | None:
        try:
            user_id, bot_id = await self._identity()
            response = await self._client.conversations_history(
                channel=target.channel_id, limit=HISTORY_LOOKBACK
            )
        except SlackApiError as error:
            raise delivery_error(error, target) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(
                f"could not reach Slack ({type(error).__name__})"
            ) from None
        for message in response.get("messages") or []:
            if message.get("user") != user_id and message.get("bot_id") != bot_id:
                continue
            if any(marker in text for text in _context_texts(message)):
                return str(message.get("ts"))
        return None

    async def _identity(self) -> tuple[str, str]:
        """The bot's user id and bot id (``auth.test``, asked once)."""
        if self._bot_ids is None:
            response = await self._client.auth_test()
            self._bot_ids = (str(response.get("user_id")), str(response.get("bot_id")))
        return self._bot_ids


def intake_blocks(text: str, marker: str) -> list[Block]:
    """The newsroom's one notice of a poll (``text`` escaped: a feed's headline holding
    ``<!channel>`` pings nobody); ``marker`` in the last context block, for recovery."""
    return [section(text), context(marker)]


def delivery_error(
    error: SlackApiError, target: DeliveryTarget
) -> PermanentDeliveryError | TransientDeliveryError:
    code = str(error.response.get("error") or "")
    status = error.response.status_code
    where = f"channel {target.channel_id}"
    if code in PERMANENT:
        return PermanentDeliveryError(f"{PERMANENT[code]} ({where})")
    if code in TRANSIENT or status == 429 or status >= 500:
        return TransientDeliveryError(f"Slack is unavailable or busy ({code or status})")
    return PermanentDeliveryError(f"Slack refused the digest ({code or status}) in {where}")


def _context_texts(message: dict[str, Any]) -> list[str]:
    texts = []
    for block in message.get("blocks") or []:
        if block.get("type") == "context":
            texts += [str(e.get("text", "")) for e in block.get("elements") or []]
    return texts

"""Who may write the record: one newsroom per platform; everywhere else only reads.

Editing through chat happens only in the configured newsroom (a Discord guild, a Slack
workspace). Without one, nobody edits through chat; the CLI on the host always can. The
sentences are defined here once so Discord and Slack refuse in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTSIDE_NEWSROOM = "Editing happens only in the newsroom server; ask its editors."
NO_NEWSROOM = (
    "Editing through chat is switched off (no newsroom server is set); "
    "the bot's host edits with briefbot import."
)


@dataclass(frozen=True, slots=True)
class Newsroom:
    """The one server of a platform where editor commands run (``None``: nowhere)."""

    server_id: str | None

    @property
    def configured(self) -> bool:
        return self.server_id is not None

    def refusal(self, server_id: str | None) -> str | None:
        """Why an editor action from ``server_id`` (None: a DM) is refused, or None if not."""
        if self.server_id is None:
            return NO_NEWSROOM
        if server_id != self.server_id:
            return OUTSIDE_NEWSROOM
        return None

"""What the Slack adapter is handed: the use cases and stores it calls, nothing global."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.corrections import NoticeBell
from bot.delivery_port import RetryPolicy
from bot.domain.newsroom import Newsroom
from bot.ports.corrections import CorrectionNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.service import BriefingService
from bot.usecases.intake_desk import IntakeDesk


@dataclass(frozen=True, slots=True)
class SlackDeps:
    service: BriefingService
    servers: ServerSettingsStore
    ledger: DigestLedgerStore
    clock: Clock
    corrections: CorrectionNotices
    # The workspace where editor commands run; none by default: nobody edits through Slack.
    newsroom: Newsroom = field(default_factory=lambda: Newsroom(None))
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    grace_hours: float = 6.0
    # The web archive's public address: cards link to entries' permalinks when it is set.
    public_url: str | None = None
    # Rung by an editor's correction: the notices it owes go out at once.
    notices: NoticeBell = field(default_factory=NoticeBell)
    # Feeds, suggestions and the review queue (none: the intake commands say so).
    intake_desk: IntakeDesk | None = None


@dataclass(frozen=True, slots=True)
class Invocation:
    """One ``/brief`` call, as Slack sent it (the payload fields a handler needs)."""

    team_id: str
    user_id: str
    user_name: str
    channel_id: str
    text: str
    trigger_id: str
    response_url: str

    @property
    def actor(self) -> str:
        """How editors appear in revisions: their name and their stable id."""
        return f"{self.user_name} ({self.user_id})" if self.user_name else self.user_id

"""What the Discord adapter is handed: the use cases and stores it calls, nothing global."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.corrections import NoticeBell
from bot.delivery_port import RetryPolicy
from bot.domain.newsroom import Newsroom
from bot.ports.app_state import AppStateStore
from bot.ports.corrections import CorrectionNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.service import BriefingService
from bot.settings import Settings
from bot.usecases.editor_access import EditorAccess
from bot.usecases.intake_desk import IntakeDesk


@dataclass(frozen=True, slots=True)
class DiscordDeps:
    settings: Settings
    service: BriefingService
    app_state: AppStateStore
    servers: ServerSettingsStore
    ledger: DigestLedgerStore
    clock: Clock
    corrections: CorrectionNotices
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # Rung by an editor's correction: the notices it owes go out at once.
    notices: NoticeBell = field(default_factory=NoticeBell)
    # Feeds, suggestions and the review queue (none: the intake commands say so).
    intake_desk: IntakeDesk | None = None

    @property
    def grace_hours(self) -> float:
        return self.settings.digest_grace_hours

    @property
    def newsroom(self) -> Newsroom:
        """The guild where editor commands exist (none: nobody edits through Discord)."""
        return self.settings.discord_newsroom

    @property
    def editor_access(self) -> EditorAccess:
        return EditorAccess("discord", self.servers, self.newsroom)

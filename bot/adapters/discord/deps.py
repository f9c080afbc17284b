"""What the Discord adapter is handed: the use cases and stores it calls, nothing global."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.corrections import NoticeBell
from bot.delivery_port import RetryPolicy
from bot.domain.newsroom import Newsroom
from bot.service import BriefingService
from bot.settings import Settings
from bot.storage.app_state import AppState
from bot.storage.corrections import CorrectionLedger
from bot.storage.digests import DigestLedger
from bot.storage.servers import ServerStore
from bot.usecases.editor_access import EditorAccess


@dataclass(frozen=True, slots=True)
class DiscordDeps:
    settings: Settings
    service: BriefingService
    app_state: AppState
    servers: ServerStore
    ledger: DigestLedger
    clock: Clock
    corrections: CorrectionLedger
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # Rung by an editor's correction: the notices it owes go out at once.
    notices: NoticeBell = field(default_factory=NoticeBell)

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

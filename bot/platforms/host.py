"""What the core hands a running platform: settings, the use cases, stores scoped to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from bot.app import App
from bot.clock import Clock
from bot.intake.notifier import IntakeNotices
from bot.intake.wiring import intake_desk
from bot.ports.app_state import AppStateStore
from bot.ports.corrections import CorrectionNotices
from bot.ports.ledger import DigestLedgerStore
from bot.ports.servers import ServerSettingsStore
from bot.service import BriefingService
from bot.settings import Settings
from bot.usecases.intake_desk import IntakeDesk


class SharedDeps(TypedDict):
    """What every adapter's dependencies take from the host, by the same names."""

    service: BriefingService
    servers: ServerSettingsStore
    ledger: DigestLedgerStore
    corrections: CorrectionNotices
    clock: Clock
    intake_desk: IntakeDesk | None


@dataclass(frozen=True, slots=True)
class PlatformHost:
    """One platform's view of the deployment.

    Its scheduler and crash recovery see only its own servers and ledger rows: a
    deployment running some platforms must not claim, then fail, the others' digests.
    """

    platform: str
    settings: Settings
    service: BriefingService
    app_state: AppStateStore
    servers: ServerSettingsStore
    ledger: DigestLedgerStore
    corrections: CorrectionNotices
    clock: Clock
    # Feeds and the review queue; None where intake cannot run yet (PostgreSQL).
    intake_desk: IntakeDesk | None
    # The newsroom's poll notices, shared by the run's platforms (None: not wired, e.g. CLI).
    intake: IntakeNotices | None = None

    def shared(self) -> SharedDeps:
        return SharedDeps(
            service=self.service,
            servers=self.servers,
            ledger=self.ledger,
            corrections=self.corrections,
            clock=self.clock,
            intake_desk=self.intake_desk,
        )

    @classmethod
    def of(cls, app: App, platform: str, intake: IntakeNotices | None = None) -> PlatformHost:
        # Scoped to the platform, on whichever backend the deployment runs (bot.backends).
        storage = app.storage
        return cls(
            platform=platform,
            settings=app.settings,
            service=app.service,
            app_state=storage.app_state,
            servers=storage.servers({platform}),
            ledger=storage.ledger({platform}),
            corrections=storage.corrections({platform}),
            clock=app.service.clock,
            intake_desk=intake_desk(app) if storage.sqlite is not None else None,
            intake=intake,
        )

"""What the core hands a running platform: settings, the use cases, stores scoped to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from bot.app import App
from bot.clock import Clock
from bot.intake.wiring import intake_desk
from bot.service import BriefingService
from bot.settings import Settings
from bot.storage.app_state import AppState
from bot.storage.corrections import CorrectionLedger
from bot.storage.scoped import PlatformLedger, PlatformServers
from bot.usecases.intake_desk import IntakeDesk


class SharedDeps(TypedDict):
    """What every adapter's dependencies take from the host, by the same names."""

    service: BriefingService
    servers: PlatformServers
    ledger: PlatformLedger
    corrections: CorrectionLedger
    clock: Clock
    intake_desk: IntakeDesk


@dataclass(frozen=True, slots=True)
class PlatformHost:
    """One platform's view of the deployment.

    Its scheduler and crash recovery see only its own servers and ledger rows: a
    deployment running some platforms must not claim, then fail, the others' digests.
    """

    platform: str
    settings: Settings
    service: BriefingService
    app_state: AppState
    servers: PlatformServers
    ledger: PlatformLedger
    corrections: CorrectionLedger
    clock: Clock
    intake_desk: IntakeDesk

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
    def of(cls, app: App, platform: str) -> PlatformHost:
        database = app.database
        return cls(
            platform=platform,
            settings=app.settings,
            service=app.service,
            app_state=AppState(database),
            servers=PlatformServers(database, {platform}),
            ledger=PlatformLedger(database, {platform}),
            corrections=CorrectionLedger(database, {platform}),
            clock=app.service.clock,
            intake_desk=intake_desk(app),
        )

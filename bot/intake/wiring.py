"""The intake desk built over the app's backend: for the CLI and every platform's host."""

from __future__ import annotations

from bot.app import App
from bot.intake.review import ReviewQueue
from bot.usecases.intake_desk import IntakeDesk


def intake_desk(app: App) -> IntakeDesk:
    intake = app.storage.intake
    review = ReviewQueue(intake.queue, app.service, app.service.clock, intake.went_out)
    return IntakeDesk(intake.feeds, intake.queue, review, app.settings.intake_allow_private)

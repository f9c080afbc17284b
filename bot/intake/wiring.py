"""The intake desk built over one database: for the CLI and every platform's host."""

from __future__ import annotations

from bot.app import App
from bot.intake.review import ReviewQueue
from bot.storage.intake_feeds import FeedStore
from bot.storage.intake_queue import QueueStore, went_out
from bot.usecases.intake_desk import IntakeDesk


def intake_desk(app: App) -> IntakeDesk:
    database = app.database

    async def carried(entry_id: int) -> bool:
        return await went_out(database, entry_id)

    queue = QueueStore(database)
    review = ReviewQueue(queue, app.service, app.service.clock, carried)
    return IntakeDesk(FeedStore(database), queue, review, app.settings.intake_allow_private)

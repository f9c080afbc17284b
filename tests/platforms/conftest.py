"""The stand-ins and the Discord test database, reused for the poster contract."""

from tests.discord_digest.conftest import app, clock
from tests.discord_digest.test_delivery import quick_discord_retries
from tests.slack.conftest import standin

__all__ = ["app", "clock", "quick_discord_retries", "standin"]

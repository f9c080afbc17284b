"""Stories that run on every platform at once: the Discord and Slack worlds side by side.

The Discord world's fixtures are reused as they are; the Slack world is opened in the test
(:func:`tests.slack.conftest.running_world`) on the same database file, so one change to
the file (a damaged page) is seen by every platform.
"""

from tests.discord_bot.conftest import app, clock, service_factory, settings, world
from tests.slack.conftest import standin

__all__ = ["app", "clock", "service_factory", "settings", "standin", "world"]

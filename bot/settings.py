"""Configuration from the environment or a git-ignored ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar

from msgspec import Meta

from bot.domain.newsroom import Newsroom
from bot.domain.vocabulary import DEFAULT_ACTORS, DEFAULT_TOPICS, Vocabulary
from bot.env_settings import EnvSettings, Secret, prefixed


def http_url(text: str) -> str:
    """``BRIEFBOT_PUBLIC_URL``: where readers reach the web archive, without a trailing /."""
    url = text.rstrip("/")
    if not url.startswith(("http://", "https://")) or any(c in url for c in " \"'<>"):
        raise ValueError("must be an http:// or https:// address")
    return url


class Settings(
    EnvSettings,
    frozen=True,
    rename=prefixed(
        "BRIEFBOT_",
        db_path="BRIEFBOT_DB",
        web_enabled="BRIEFBOT_WEB",
        intake_enabled="BRIEFBOT_INTAKE",
    ),
):
    """The core's settings (``BRIEFBOT_*``). Each platform reads its own (``DISCORD_*``,
    ``SLACK_*``) with a settings class in its folder, loaded only when it runs."""

    parsers: ClassVar = {"public_url": http_url}

    db_path: Path = Path("data/briefbot.sqlite3")
    # sqlite:///path or postgresql://user:password@host/db; unset: the SQLite file above.
    # A secret: repr() and logs show it as ******** (the URL may carry the password).
    database_url: Secret | None = None
    # PostgreSQL only: connections per process, and how long one statement may run before
    # the person reads "busy, try again" (0: no limit). Lock waits use busy_timeout_ms.
    pg_pool_min: Annotated[int, Meta(ge=0, le=100)] = 1
    pg_pool_max: Annotated[int, Meta(ge=1, le=500)] = 10
    pg_statement_timeout_ms: Annotated[int, Meta(ge=0, le=3_600_000)] = 15_000
    briefs_dir: Path = Path("briefs")
    timezone: str = "UTC"
    topics: tuple[str, ...] = DEFAULT_TOPICS
    actors: tuple[str, ...] = DEFAULT_ACTORS
    log_level: str = "INFO"
    digest_grace_hours: Annotated[float, Meta(ge=0)] = 6.0
    # How long a write waits for another process's write lock before "busy, try again".
    busy_timeout_ms: Annotated[int, Meta(ge=0, le=600_000)] = 5000

    # The newsroom: the one Discord guild / Slack workspace where editor commands exist.
    # Unset: nobody edits through chat (the CLI on the host still can).
    newsroom_discord_guild_id: Annotated[int, Meta(gt=0)] | None = None
    newsroom_slack_team_id: str | None = None

    # The public web archive: where readers reach it (permalinks on cards), and whether
    # ``briefbot run`` serves it too; ``briefbot web --host/--port`` override the address.
    public_url: str | None = None
    web_enabled: bool = False
    web_host: str = "127.0.0.1"
    web_port: Annotated[int, Meta(ge=0, le=65535)] = 8080
    # Intake: feeds on private, loopback or link-local addresses only when allowed (tests,
    # intranet feeds); article text older than the retention is dropped (identities stay).
    intake_allow_private: bool = False
    intake_retention_days: Annotated[int, Meta(ge=1)] = 30
    # ``briefbot run`` polls the feeds in the background (one process at a time); 0 turns it
    # off (e.g. when a separate ``briefbot feeds poll`` does it). How often it looks, in s.
    intake_enabled: bool = True
    intake_check_s: Annotated[float, Meta(gt=0, le=3600)] = 30.0

    @property
    def heartbeat_file(self) -> Path:
        """Touched by the running bot; ``briefbot health`` checks that it is fresh."""
        return self.db_path.parent / "heartbeat"

    @property
    def discord_newsroom(self) -> Newsroom:
        guild = self.newsroom_discord_guild_id
        return Newsroom(str(guild) if guild is not None else None)

    @property
    def slack_newsroom(self) -> Newsroom:
        return Newsroom(self.newsroom_slack_team_id or None)

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(topics=self.topics, actors=self.actors)

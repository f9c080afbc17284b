"""Configuration from the environment or a git-ignored ``.env`` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.newsroom import Newsroom
from bot.domain.vocabulary import DEFAULT_ACTORS, DEFAULT_TOPICS, Vocabulary


class Settings(BaseSettings):
    """The core's settings (``BRIEFBOT_*``). Each platform reads its own (``DISCORD_*``,
    ``SLACK_*``) with a settings class in its folder, loaded only when it runs."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    db_path: Path = Field(default=Path("data/briefbot.sqlite3"), alias="BRIEFBOT_DB")
    # sqlite:///path or postgresql://user:password@host/db; unset: the SQLite file above.
    # A secret: repr() and logs show it as ******** (the URL may carry the password).
    database_url: SecretStr | None = Field(default=None, alias="BRIEFBOT_DATABASE_URL")
    # PostgreSQL only: connections per process, and how long one statement may run before
    # the person reads "busy, try again" (0: no limit). Lock waits use busy_timeout_ms.
    pg_pool_min: int = Field(default=1, ge=0, le=100, alias="BRIEFBOT_PG_POOL_MIN")
    pg_pool_max: int = Field(default=10, ge=1, le=500, alias="BRIEFBOT_PG_POOL_MAX")
    pg_statement_timeout_ms: int = Field(
        default=15_000, ge=0, le=3_600_000, alias="BRIEFBOT_PG_STATEMENT_TIMEOUT_MS"
    )
    briefs_dir: Path = Field(default=Path("briefs"), alias="BRIEFBOT_BRIEFS_DIR")
    timezone: str = Field(default="UTC", alias="BRIEFBOT_TIMEZONE")
    topics: tuple[str, ...] = Field(default=DEFAULT_TOPICS, alias="BRIEFBOT_TOPICS")
    actors: tuple[str, ...] = Field(default=DEFAULT_ACTORS, alias="BRIEFBOT_ACTORS")
    log_level: str = Field(default="INFO", alias="BRIEFBOT_LOG_LEVEL")
    digest_grace_hours: float = Field(default=6.0, ge=0, alias="BRIEFBOT_DIGEST_GRACE_HOURS")
    # How long a write waits for another process's write lock before "busy, try again".
    busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000, alias="BRIEFBOT_BUSY_TIMEOUT_MS")

    # The newsroom: the one Discord guild / Slack workspace where editor commands exist.
    # Unset: nobody edits through chat (the CLI on the host still can).
    newsroom_discord_guild_id: int | None = Field(
        default=None, gt=0, alias="BRIEFBOT_NEWSROOM_DISCORD_GUILD_ID"
    )
    newsroom_slack_team_id: str | None = Field(
        default=None, min_length=1, alias="BRIEFBOT_NEWSROOM_SLACK_TEAM_ID"
    )

    # The public web archive: where readers reach it (permalinks on cards), and whether
    # ``briefbot run`` serves it too; ``briefbot web --host/--port`` override the address.
    public_url: str | None = Field(default=None, alias="BRIEFBOT_PUBLIC_URL")
    web_enabled: bool = Field(default=False, alias="BRIEFBOT_WEB")
    web_host: str = Field(default="127.0.0.1", alias="BRIEFBOT_WEB_HOST")
    web_port: int = Field(default=8080, ge=0, le=65535, alias="BRIEFBOT_WEB_PORT")
    # Intake: feeds on private, loopback or link-local addresses only when allowed (tests,
    # intranet feeds); article text older than the retention is dropped (identities stay).
    intake_allow_private: bool = Field(default=False, alias="BRIEFBOT_INTAKE_ALLOW_PRIVATE")
    intake_retention_days: int = Field(default=30, ge=1, alias="BRIEFBOT_INTAKE_RETENTION_DAYS")
    # ``briefbot run`` polls the feeds in the background (one process at a time); 0 turns it
    # off (e.g. when a separate ``briefbot feeds poll`` does it). How often it looks, in s.
    intake_enabled: bool = Field(default=True, alias="BRIEFBOT_INTAKE")
    intake_check_s: float = Field(default=30.0, gt=0, le=3600, alias="BRIEFBOT_INTAKE_CHECK_S")

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        text = value.strip().rstrip("/")
        if not text.startswith(("http://", "https://")) or any(c in text for c in " \"'<>"):
            raise ValueError("must be an http:// or https:// address")
        return text

    @field_validator(
        "newsroom_discord_guild_id", "newsroom_slack_team_id", "database_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # ``VAR=`` in a .env file means "not set", not an invalid id.
        return None if isinstance(value, str) and not value.strip() else value

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

"""Gateway chaos: members keep using the bot while the connection and the REST API misbehave.

The real :class:`BriefingBot` runs in-process against the stand-in (the ``tests/discord_bot``
way): its ``client.start()`` task is right here to prove it never died, its log records are
caught, and a :class:`FixedClock` makes the digest round deterministic. The same bot runs as a
``briefbot run`` subprocess in ``test_security.py`` and ``test_digest_round_kill.py``.

While members run ``/brief latest|search|show|figures`` and an editor adds entries through the
modal, a chaos task (seeded) every few seconds drops the connection, closes it with 4000 or
4009, sends INVALID_SESSION (resumable or not) or RECONNECT, and queues 429s (route and
global); 500/502/503 answer about 20% of all REST calls throughout. Halfway through, a digest
round for four servers runs twice at once (a scheduler firing twice).

Every interaction ends in one of these, from what the stand-in saw:

* answered, or answered with a clear (ephemeral) error;
* not delivered to the bot: dispatched while the gateway was down (or replayed after the
  3 s deadline), so Discord would show "The application did not respond";
* Discord refused the answer: each callback/followup the bot sent in time got a 5xx/429;
* unexplained: reached the bot in time, Discord took what it sent, and still no answer.
  Must be 0, like crashes and duplicate or lost digests.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.discord.client import BriefingBot
from bot.app import open_app, seed_if_empty
from bot.clock import FixedClock
from bot.delivery import RetryPolicy, digest_marker
from bot.domain.digest_schedule import DigestSchedule
from bot.domain.ledger import LedgerStatus
from bot.settings import Settings
from tests.discord_bot.conftest import BRIEFS, BotWorld, make_deps
from tests.discord_bot.helpers import ADD_OPTIONS, form
from tests.discord_digest.conftest import digest_messages, footer
from tests.standins.discord import (
    MANAGE_GUILD,
    Channel,
    DiscordStandIn,
    Guild,
    InteractionRecord,
    Member,
    NoReply,
    running_bot,
)
from tests.standins.discord import interactions as ix

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
DIGEST_SERVERS = 4
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
REST_FAULTS = {500: 0.07, 502: 0.06, 503: 0.07}  # ≈ 20% of REST calls
DEADLINE = 3.0
# Retries of a failed digest send: quick enough for the short run, patient enough for 20%.
RETRY = RetryPolicy(delays=(0.2, 0.5, 1.0, 2.0, 4.0), attempt_timeout=20.0)
ERROR_PREFIXES = (
    "Something went wrong",
    "Slow down",
    "The briefing database",
    "Discord",
    "That entry was not saved",
    "Only editors",
)
OUTCOMES = (
    "answered",
    "clear error",
    "not delivered to the bot",
    "Discord refused the answer",
    "unexplained",
)


@dataclass
class Command:
    name: str
    member: Member
    dispatched_at: float
    interactions: list[InteractionRecord] = field(default_factory=list)
    outcome: str = ""
    detail: str = ""


@dataclass
class Report:
    seconds: float
    commands: list[Command]
    disruptions: Counter[str]
    down_seconds: float
    rest_faults: Counter[int]
    rest_calls: int
    errors_logged: list[str]
    digests: dict[str, int]
    bot_alive: bool
    final_answer: bool

    def count(self, outcome: str) -> int:
        return sum(1 for c in self.commands if c.outcome == outcome)

    def text(self) -> str:
        told = Counter(c.detail for c in self.commands if c.outcome == "clear error")
        refused = Counter(c.detail for c in self.commands if c.outcome.startswith("Discord"))
        lost_on = Counter(c.detail for c in self.commands if c.outcome.startswith("not"))
        lost = sum(1 for n in self.digests.values() if n == 0)
        doubled = sum(1 for n in self.digests.values() if n > 1)
        lines = [
            f"gateway chaos: {self.seconds:.0f} s, {len(self.commands)} commands sent "
            f"({dict(Counter(c.name for c in self.commands))})",
            f"  disruptions: {sum(self.disruptions.values())} {dict(self.disruptions)}; "
            f"gateway down {self.down_seconds:.0f} s of {self.seconds:.0f}",
            f"  REST faults: {sum(self.rest_faults.values())} of {self.rest_calls} calls "
            f"{dict(sorted(self.rest_faults.items()))}",
            *(f"  {name}: {self.count(name)}" for name in OUTCOMES),
            f"  clear errors told: {dict(told)}",
            f"  Discord refused: {dict(refused)}",
            f"  not delivered: {dict(lost_on)}",
            f"  crashes: {0 if self.bot_alive and self.final_answer else 1}"
            f" (bot task running: {self.bot_alive}, answered afterwards: {self.final_answer})",
            f"  digests: {len(self.digests)} servers, lost {lost}, doubled {doubled}",
            f"  errors logged by the bot: {len(self.errors_logged)}",
            *(f"    {line}" for line in self.errors_logged[:10]),
        ]
        return "\n".join(lines)


class StatusLog:
    """Every REST answer the stand-in gave: (path, status, seconds since start)."""

    def __init__(self, standin: DiscordStandIn) -> None:
        self.rows: list[tuple[str, int, float]] = []
        handle = standin.rest.handle

        async def recording(request: web.Request) -> web.StreamResponse:
            response = await handle(request)
            now = asyncio.get_running_loop().time()
            self.rows.append((request.path.split("/api/v10", 1)[-1], response.status, now))
            return response

        standin.rest.handle = recording  # type: ignore[method-assign]  # before start()

    def for_interaction(self, record: InteractionRecord) -> list[tuple[str, int, float]]:
        """Callback, followup and @original requests the bot made for ``record``."""
        keys = (f"/interactions/{record.id}/", f"/{record.token}")
        return [row for row in self.rows if any(k in row[0] for k in keys)]


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()[:200]}")


@contextlib.contextmanager
def caught_errors() -> Any:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


class Chaos:
    """The disruptions, every few seconds, and the windows in which the gateway was down."""

    def __init__(self, discord: DiscordStandIn, rng: random.Random) -> None:
        self.discord = discord
        self.rng = rng
        self.done: Counter[str] = Counter()
        self.down: list[tuple[float, float]] = []
        self.names: list[str] = []
        self.problems: list[str] = []

    def was_down(self, at: float) -> str | None:
        """The disruption whose window (or the 0.5 s before it) ``at`` falls in, if any."""
        now = asyncio.get_running_loop().time()
        for (start, end), name in zip(self.down, self.names, strict=True):
            if start - 0.5 <= at <= (end or now):
                return name
        return None

    async def run(self, stop: asyncio.Event) -> None:
        actions: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("drop", self.discord.drop_gateway),
            ("close 4000", lambda: self.discord.close_gateway(4000)),
            ("close 4009", self._close_4009),
            ("INVALID_SESSION resumable", lambda: self._invalidate(True)),
            ("INVALID_SESSION", lambda: self._invalidate(False)),
            ("RECONNECT", self.discord.send_reconnect),
        ]
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.rng.uniform(1.5, 3.5))
                return
            self._rate_limit()
            name, action = self.rng.choice(actions)
            start = loop.time()
            self.down.append((start, 0.0))
            self.names.append(name)
            await action()
            self.done[name] += 1
            try:
                await self.discord.wait_for_session(timeout=30)
            except TimeoutError:
                self.problems.append(f"no session 30 s after {name}")
            self.down[-1] = (start, loop.time())

    async def _close_4009(self) -> None:
        session = self.discord.gateway.session
        if session is not None:
            session.resumable = False  # 4009 "session timed out": Discord forgets it
        await self.discord.close_gateway(4009)

    async def _invalidate(self, resumable: bool) -> None:
        await self.discord.invalidate_session(resumable=resumable)

    def _rate_limit(self) -> None:
        faults = self.discord.faults
        if self.rng.random() < 0.5:
            route = self.rng.choice(
                [
                    "POST /interactions/{interaction_id}/{interaction_token}/callback",
                    "POST /webhooks/{webhook_id}/{webhook_token}",
                    "POST /channels/{channel_id}/messages",
                ]
            )
            faults.add(route, status=429, times=1, retry_after=0.3)
            self.done["429 route"] += 1
        else:
            faults.add(None, status=429, times=1, retry_after=0.3, is_global=True)
            self.done["429 global"] += 1


@dataclass
class Stage:
    discord: DiscordStandIn
    bot: BriefingBot
    clock: FixedClock
    guild: Guild
    channel: Channel
    admin: Member
    readers: list[Member]
    digest_channels: dict[str, Channel]
    slugs: list[str]
    subjects: list[str]


@contextlib.asynccontextmanager
async def stage(tmp_path: Path, seed: int) -> AsyncIterator[tuple[Stage, StatusLog]]:
    discord = DiscordStandIn()
    statuses = StatusLog(discord)
    discord.faults.seed(seed)
    await discord.start()
    try:
        guild = discord.add_guild("Analysts")
        channel = guild.add_text_channel("briefing")
        admin = guild.add_member("editor", permissions=MANAGE_GUILD)
        readers = [guild.add_member(f"reader-{n}") for n in range(5)]
        digest_channels = {}
        for n in range(DIGEST_SERVERS):
            other = discord.add_guild(f"Digest {n}")
            digest_channels[str(other.id)] = other.add_text_channel("digest")
        clock = FixedClock(NOW)
        settings = Settings.from_env(
            BRIEFBOT_DB=tmp_path / "bot.sqlite3", BRIEFBOT_BRIEFS_DIR=BRIEFS
        )
        async with open_app(settings, clock) as app:
            await seed_if_empty(app)
            entries = await app.service.entries()
            slugs = [e.slug for e in entries]
            subjects = sorted({g.subject for g in (await app.service.figures()).groups})
            deps = dataclasses.replace(make_deps(app, clock, newsroom=guild), retry=RETRY)
            bot = BriefingBot(deps, guild_ready_timeout=0.1)
            async with running_bot(bot, discord, ready_timeout=30) as running:
                assert running.runtime.catch_up_task is not None
                await asyncio.wait_for(asyncio.shield(running.runtime.catch_up_task), 20)
                # Due at 08:00 UTC, set up at 06:00: owed today, posted by the round below.
                for server_id, digest_channel in digest_channels.items():
                    schedule = DigestSchedule(str(digest_channel.id), time(8, 0), "UTC")
                    await deps.servers.set_schedule(
                        "discord", server_id, schedule, NOW - timedelta(hours=3)
                    )
                yield (
                    Stage(
                        discord,
                        running,
                        clock,
                        guild,
                        channel,
                        admin,
                        readers,
                        digest_channels,
                        slugs,
                        subjects,
                    ),
                    statuses,
                )
    finally:
        await discord.stop()


def client_task() -> asyncio.Task[Any] | None:
    return next((t for t in asyncio.all_tasks() if t.get_name() == "discord-client"), None)


async def run_chaos(tmp_path: Path, *, seconds: float, commands: int, seed: int) -> Report:
    rng = random.Random(seed)
    with caught_errors() as errors:
        async with stage(tmp_path, seed) as (s, statuses):
            discord = s.discord
            loop = asyncio.get_running_loop()
            for status, share in REST_FAULTS.items():
                discord.faults.add(None, status=status, times=None, probability=share)
            first_rest = len(statuses.rows)
            chaos = Chaos(discord, rng)
            stop = asyncio.Event()
            chaos_task = asyncio.create_task(chaos.run(stop))
            sent: list[Command] = []
            waits: list[asyncio.Task[None]] = []
            digest_round: asyncio.Future[Any] | None = None
            started = loop.time()
            adds = 0
            for n in range(commands):
                await asyncio.sleep(max(0.0, started + n * seconds / commands - loop.time()))
                if digest_round is None and n >= commands * 0.4:
                    now = s.clock.now()
                    digest_round = asyncio.ensure_future(
                        asyncio.gather(s.bot.delivery.run_due(now), s.bot.delivery.run_due(now))
                    )
                if not discord.gateway.session:
                    continue
                kind = rng.choices(
                    ["latest", "search", "show", "figures", "add"], [30, 20, 20, 15, 15]
                )[0]
                member = s.admin if kind == "add" else rng.choice(s.readers)
                command = Command(kind, member, loop.time())
                sent.append(command)
                if kind == "add":
                    adds += 1
                    waits.append(asyncio.create_task(add_flow(s, command, adds)))
                    continue
                options: dict[str, Any] = {
                    "latest": {"count": rng.choice([1, 3, 5])},
                    "search": {"query": rng.choice(["Kursk", "missiles", "treaty", "troops"])},
                    "show": {"entry": rng.choice(s.slugs)},
                    "figures": {"subject": rng.choice([None, *s.subjects])},
                }[kind]
                record = discord.start_command(
                    s.guild, member, f"brief {kind}", channel=s.channel, **options
                )
                command.interactions.append(record)
                waits.append(asyncio.create_task(wait(discord, record)))
            stop.set()
            await chaos_task
            discord.faults.clear()
            await asyncio.gather(*waits)
            assert digest_round is not None
            await asyncio.wait_for(digest_round, 60)
            rest = statuses.rows[first_rest:]
            task = client_task()
            alive = task is not None and not task.done() and not s.bot.is_closed()
            final = await discord.run_command(
                s.guild, s.readers[0], "brief latest", channel=s.channel, count=1, timeout=15
            )
            violations = discord.take_violations()
            late = {v.path.split("/")[2] for v in violations if v.kind == "deadline"}
            other = [str(v) for v in violations if v.kind != "deadline"]
            assert not other, "\n".join(other)
            for command in sent:
                classify(command, statuses, chaos, late)
            digests = {}
            ledger = s.bot.deps.ledger
            for server_id, digest_channel in s.digest_channels.items():
                found = [
                    m
                    for m in digest_messages(discord, digest_channel)
                    if footer(m).endswith(digest_marker(NOW.date()))
                ]
                digests[server_id] = len(found)
                row = await ledger.get("discord", server_id, NOW.date())
                assert row is not None and row.status is LedgerStatus.POSTED, row
                assert row.message_id == str(found[0].id) if found else False, row
            assert not chaos.problems, chaos.problems
            elapsed = loop.time() - started
            faults = Counter(status for _, status, _ in rest if status >= 429)
            return Report(
                seconds=elapsed,
                commands=sent,
                disruptions=chaos.done,
                down_seconds=sum(end - start for start, end in chaos.down),
                rest_faults=faults,
                rest_calls=len(rest),
                errors_logged=list(errors.messages),
                digests=digests,
                bot_alive=alive,
                final_answer=bool(final.embeds),
            )


async def wait(discord: DiscordStandIn, record: InteractionRecord) -> None:
    with contextlib.suppress(NoReply):
        await discord.wait_reply(record, timeout=8)


async def add_flow(s: Stage, command: Command, n: int) -> None:
    """``/brief-admin add`` then, if the form opened, fill it in and submit it."""
    discord = s.discord
    record = discord.start_command(
        s.guild, s.admin, "brief-admin add", channel=s.channel, **ADD_OPTIONS
    )
    command.interactions.append(record)
    try:
        opened = await discord.wait_reply(record, timeout=8)
    except NoReply:
        return
    if opened.modal is None:
        return
    if not discord.gateway.session:
        return
    before = set(discord.interactions.by_id)
    title = f"Chaos entry {n}: engineers reported near Kursk"
    with contextlib.suppress(NoReply):
        await discord.submit_modal(opened, form(title=title), member=s.admin, timeout=8)
    submitted = [
        r
        for i, r in discord.interactions.by_id.items()
        if i not in before and r.type == ix.MODAL_SUBMIT and r.user.id == s.admin.user.id
    ]
    command.interactions.extend(submitted[:1])


def classify(command: Command, statuses: StatusLog, chaos: Chaos, late: set[str]) -> None:
    """The command's outcome: that of its first interaction that did not simply succeed."""
    for record in command.interactions:
        outcome, detail = classify_one(record, statuses, chaos, late)
        command.outcome, command.detail = outcome, detail
        if outcome != "answered":
            return


def classify_one(
    record: InteractionRecord, statuses: StatusLog, chaos: Chaos, late: set[str]
) -> tuple[str, str]:
    if record.final.is_set():
        message = record.final_message
        if message is not None and message.ephemeral:
            text = message.content
            if text.startswith(ERROR_PREFIXES):
                return "clear error", text.split(".")[0].split("(")[0].strip()[:60]
        return "answered", ""
    requests = statuses.for_interaction(record)
    if not any(at - record.sent_at <= DEADLINE for _, _, at in requests):
        # The bot tried nothing within Discord's 3 s: it never had the interaction in time.
        if cause := chaos.was_down(record.sent_at):
            when = "late, replayed after the 3 s" if requests else "never"
            return "not delivered to the bot", f"{cause}; reached the bot {when}"
        return "unexplained", f"no answer in time; requests {_brief(requests)}"
    refused = [status for _, status, _ in requests if status >= 429]
    if refused:
        return "Discord refused the answer", f"{_brief(requests)}"
    return "unexplained", f"requests {_brief(requests)}"


def _brief(requests: list[tuple[str, int, float]]) -> list[tuple[str, int]]:
    return [(path.rsplit("/", 1)[-1][:20], status) for path, status, _ in requests]


def check(report: Report) -> None:
    print("\n" + report.text())
    assert report.bot_alive and report.final_answer, "the bot must survive and keep answering"
    unexplained = [
        (c.name, c.detail, [r.id for r in c.interactions])
        for c in report.commands
        if c.outcome == "unexplained"
    ]
    assert not unexplained, unexplained
    assert all(n == 1 for n in report.digests.values()), report.digests
    assert report.count("answered") + report.count("clear error") >= len(report.commands) // 2


async def test_gateway_chaos_short(tmp_path: Path) -> None:
    check(await run_chaos(tmp_path, seconds=22, commands=60, seed=8))


@pytest.mark.chaos
@pytest.mark.timeout(400)
async def test_gateway_chaos_long(tmp_path: Path) -> None:
    check(await run_chaos(tmp_path, seconds=120, commands=300, seed=88))


async def test_an_answer_refused_past_the_deadline_is_not_reported_as_our_error(
    world: BotWorld, caplog: pytest.LogCaptureFixture
) -> None:
    """Two 503s on the callback: discord.py retries at 1 s and 3 s, Discord answers 10062.

    That is Discord's refusal, not a bug of ours: a warning, no error id, and no further
    callback for an interaction that can no longer be answered.
    """
    discord = world.discord
    discord.faults.add(CALLBACK, status=503, times=2)
    record = discord.start_command(
        world.server.guild, world.server.reader, "brief latest", channel=world.server.channel
    )
    with contextlib.suppress(NoReply):
        await discord.wait_reply(record, timeout=6)
    await asyncio.sleep(0.5)
    tries = [p for _, p, _ in discord.requests if p.startswith(f"/interactions/{record.id}/")]
    assert len(tries) == 3, tries  # 503, 503 (retried by discord.py), then 10062: no 4th
    assert [v.kind for v in discord.take_violations()] == ["deadline"]
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("Discord refused the answer" in r.getMessage() for r in caplog.records)

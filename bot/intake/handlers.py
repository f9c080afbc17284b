"""The intake commands' bodies (loaded only when one runs: they pull in feedparser,
trafilatura and numpy, which every other command should not pay for)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.domain.errors import InvalidInput
from bot.domain.extraction.figures import extract_figures
from bot.intake.background import Hold, holder_id
from bot.intake.drafts import figure_dict
from bot.intake.fetch import Fetcher
from bot.intake.poller import Poller
from bot.intake.render import render_candidates, render_feeds, render_figures
from bot.intake.wiring import intake_desk
from bot.usecases.intake_desk import IntakeDesk

Command = Callable[[App, argparse.Namespace], Awaitable[int]]
IDLE_S = 30.0


@asynccontextmanager
async def _poller(app: App, desk: IntakeDesk) -> AsyncIterator[Poller]:
    fetcher = Fetcher(app.settings.intake_allow_private)
    try:
        yield Poller(
            desk.feeds,
            desk.queue,
            fetcher,
            app.service.clock,
            app.settings.vocabulary,
            retention=timedelta(days=app.settings.intake_retention_days),
        )
    finally:
        await fetcher.close()


async def cmd_feeds(app: App, args: argparse.Namespace) -> int:
    desk, action = intake_desk(app), args.feeds_command
    if action == "add":
        feed = await desk.add_feed(args.url, args.name, args.every, args.include, args.exclude)
        print(
            f"Following feed {feed.id}: {feed.name} ({feed.url}), every {feed.every_minutes} min."
        )
    elif action == "list":
        print(render_feeds(await desk.list_feeds(), args.format))
    elif action == "remove":
        feed = await desk.remove_feed(args.ref)
        print(f"Removed feed {feed.id}: {feed.name}.")
    elif action in ("pause", "resume"):
        paused = action == "pause"
        feed = await desk.pause_feed(args.ref, paused)
        print(f"Feed {feed.id} ({feed.name}) {'paused' if paused else 'resumed'}.")
    else:
        await _poll(app, desk, args.once)
    return 0


async def _poll(app: App, desk: IntakeDesk, once: bool) -> None:
    # The bot's lease: a manual poll beside the bot's own could split one story in two.
    lease = Hold(app.storage.intake.leases, app.service.clock, holder_id())
    async with lease.held(), _poller(app, desk) as poller:
        while True:
            report = await poller.poll(everything=once)
            print(
                f"Polled {report.feeds} feed(s), {report.failed} failed; "
                f"{len(report.new_candidates)} new candidate(s).",
                flush=True,
            )
            if once:
                return
            await asyncio.sleep(IDLE_S)
            await lease.take()  # still ours (renewed meanwhile), unless it was lost


async def cmd_suggest(app: App, args: argparse.Namespace) -> int:
    desk = intake_desk(app)
    if (args.url is None) == (args.file is None):
        raise InvalidInput("give either a URL or --file PATH")
    if args.file is not None:
        text = args.file.read_text(encoding="utf-8", errors="replace")
        suggested = await desk.suggest_text(text, args.outlet or args.file.name)
    else:
        suggested = await desk.suggest_url(args.url, args.outlet)
    if suggested.candidate_id is not None:
        print(f"Queued as candidate {suggested.candidate_id}: {suggested.title}")
    else:
        print("Already seen: the article joined an existing candidate or was read before.")
    return 0


async def cmd_extract(app: App, args: argparse.Namespace) -> int:
    if args.path == "-":
        text = sys.stdin.read()
    else:
        text = await asyncio.to_thread(Path(args.path).read_text, encoding="utf-8")
    figures = await asyncio.to_thread(extract_figures, text)
    if args.format == "json":
        print(json.dumps([figure_dict(f) for f in figures], ensure_ascii=False, indent=2))
    else:
        print(render_figures([figure_dict(f) for f in figures]))
    return 0


async def cmd_queue(app: App, args: argparse.Namespace) -> int:
    desk, action = intake_desk(app), args.queue_command
    if action == "list":
        pending = await desk.pending()
        if args.format == "json":
            print(json.dumps([asdict(c) for c in pending], ensure_ascii=False, indent=2))
        else:
            print(render_candidates(pending))
    elif action == "approve":
        overrides = {
            "title": args.title,
            "status": args.status,
            "importance": args.importance,
            "topics": args.topics,
            "actors": args.actors,
        }
        entry = await desk.approve_with(args.id, "cli", overrides)
        print(f"Approved candidate {args.id}: entry {entry.slug} created.")
    elif action == "merge":
        merged = await desk.merge(args.id, args.into, "cli")
        entry = merged.entry
        print(f"Merged candidate {args.id} into {entry.slug} (revision {entry.revision}).")
    elif action == "reject":
        await desk.reject(args.id, "cli", args.reason)
        print(f"Rejected candidate {args.id}; the story will not come back.")
    else:
        await desk.later(args.id, "cli")
        print(f"Candidate {args.id} moved to the back of the queue.")
    return 0


HANDLERS: dict[str, Command] = {
    "feeds": cmd_feeds,
    "suggest": cmd_suggest,
    "extract": cmd_extract,
    "queue": cmd_queue,
}

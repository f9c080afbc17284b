"""The intake commands' bodies (loaded only when one runs: they pull in feedparser,
trafilatura and numpy, which every other command should not pay for)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.domain.errors import InvalidInput
from bot.domain.extraction.figures import extract_figures
from bot.intake.drafts import figure_dict
from bot.intake.fetch import Fetcher, FetchFailed
from bot.intake.guard import Refused, check_url
from bot.intake.parse import parse_page, parse_text_file
from bot.intake.poller import Poller
from bot.intake.render import render_candidates, render_feeds, render_figures
from bot.intake.review import ReviewQueue
from bot.storage.intake_feeds import DuplicateFeed, FeedNotFound, FeedStore
from bot.storage.intake_queue import CandidateNotFound, QueueStore, went_out

Command = Callable[[App, argparse.Namespace], Awaitable[int]]
IDLE_S = 30.0


@dataclass(frozen=True, slots=True)
class Intake:
    feeds: FeedStore
    queue: QueueStore
    review: ReviewQueue


def _intake(app: App) -> Intake:
    queue = QueueStore(app.database)

    async def carried(entry_id: int) -> bool:
        return await went_out(app.database, entry_id)

    review = ReviewQueue(queue, app.service, app.service.clock, carried)
    return Intake(FeedStore(app.database), queue, review)


@asynccontextmanager
async def _poller(app: App, intake: Intake) -> AsyncIterator[Poller]:
    fetcher = Fetcher(app.settings.intake_allow_private)
    try:
        yield Poller(
            intake.feeds,
            intake.queue,
            fetcher,
            app.service.clock,
            app.settings.vocabulary,
            retention=timedelta(days=app.settings.intake_retention_days),
        )
    finally:
        await fetcher.close()


def _plain_errors(command: Command) -> Command:
    """Intake's own errors as the one-line messages the CLI prints for ValueError."""

    async def run(app: App, args: argparse.Namespace) -> int:
        try:
            return await command(app, args)
        except (FeedNotFound, CandidateNotFound, Refused, FetchFailed) as error:
            raise InvalidInput(str(error)) from None

    return run


async def cmd_feeds(app: App, args: argparse.Namespace) -> int:
    intake, action = _intake(app), args.feeds_command
    now = app.service.clock.now()
    if action == "add":
        check_url(args.url, app.settings.intake_allow_private)
        name = (args.name or args.url.split("/")[2])[:100]
        try:
            feed = await intake.feeds.add(
                args.url, name, args.every, now, tuple(args.include), tuple(args.exclude)
            )
        except DuplicateFeed as error:
            raise InvalidInput(str(error)) from None
        print(
            f"Following feed {feed.id}: {feed.name} ({feed.url}), every {feed.every_minutes} min."
        )
    elif action == "list":
        print(render_feeds(await intake.feeds.all(), args.format))
    elif action == "remove":
        feed = await intake.feeds.remove(args.ref)
        print(f"Removed feed {feed.id}: {feed.name}.")
    elif action in ("pause", "resume"):
        paused = action == "pause"
        feed = await intake.feeds.set_paused(args.ref, paused, "paused by an editor", now)
        print(f"Feed {feed.id} ({feed.name}) {'paused' if paused else 'resumed'}.")
    else:
        await _poll(app, intake, args.once)
    return 0


async def _poll(app: App, intake: Intake, once: bool) -> None:
    async with _poller(app, intake) as poller:
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


async def cmd_suggest(app: App, args: argparse.Namespace) -> int:
    intake = _intake(app)
    if (args.url is None) == (args.file is None):
        raise InvalidInput("give either a URL or --file PATH")
    if args.file is not None:
        text = args.file.read_text(encoding="utf-8", errors="replace")
        item = parse_page(text, None) if text.lstrip().startswith("<") else parse_text_file(text)
        outlet = args.outlet or args.file.name
    else:
        async with _poller(app, intake) as poller:
            check_url(args.url, app.settings.intake_allow_private)
            fetched = await poller.fetcher.get(args.url)
            item = parse_page(fetched.body.decode("utf-8", errors="replace"), fetched.url)
        outlet = args.outlet or args.url.split("/")[2]
    if item is None:
        raise InvalidInput("no article text found on that page")
    async with _poller(app, intake) as poller:
        created = await poller.suggest(item, outlet[:100])
    if created:
        print(f"Queued as candidate {created[0]}: {item.title}")
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
    review, action = _intake(app).review, args.queue_command
    if action == "list":
        pending = await review.pending()
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
        entry = await review.approve(args.id, "cli", overrides)
        print(f"Approved candidate {args.id}: entry {entry.slug} created.")
    elif action == "merge":
        entry = await review.merge(args.id, args.into, "cli")
        print(f"Merged candidate {args.id} into {entry.slug} (revision {entry.revision}).")
    elif action == "reject":
        await review.reject(args.id, "cli", args.reason)
        print(f"Rejected candidate {args.id}; the story will not come back.")
    else:
        await review.later(args.id, "cli")
        print(f"Candidate {args.id} moved to the back of the queue.")
    return 0


HANDLERS: dict[str, Command] = {
    "feeds": _plain_errors(cmd_feeds),
    "suggest": _plain_errors(cmd_suggest),
    "extract": _plain_errors(cmd_extract),
    "queue": _plain_errors(cmd_queue),
}

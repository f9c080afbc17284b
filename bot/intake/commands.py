"""``briefbot feeds|suggest|extract|queue``: intake from the command line.

Only the argument parsers live here; each command's body is imported when it runs, so
``briefbot latest`` does not load feedparser, trafilatura and numpy.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.app import App

Command = Callable[[App, argparse.Namespace], Awaitable[int]]
MIN_EVERY, MAX_EVERY = 1, 7 * 24 * 60


def _every(text: str) -> int:
    if not text.isdigit() or not MIN_EVERY <= int(text) <= MAX_EVERY:
        raise argparse.ArgumentTypeError(f"must be {MIN_EVERY}–{MAX_EVERY} minutes")
    return int(text)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feeds = sub.add_parser("feeds", help="RSS/Atom feeds read into the review queue")
    actions = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    p = actions.add_parser("add", help="follow a feed")
    p.add_argument("url")
    p.add_argument("--name")
    p.add_argument("--every", type=_every, default=15, metavar="MINUTES")
    p.add_argument("--include", action="append", default=[], metavar="WORD")
    p.add_argument("--exclude", action="append", default=[], metavar="WORD")
    p = actions.add_parser("list", help="every feed and how its polls went")
    p.add_argument("--format", choices=("text", "json"), default="text")
    for name in ("remove", "pause", "resume"):
        actions.add_parser(name, help=f"{name} a feed").add_argument("ref", metavar="ID|URL")
    p = actions.add_parser("poll", help="poll due feeds (keeps polling unless --once)")
    p.add_argument("--once", action="store_true", help="poll every active feed now, then stop")

    p = sub.add_parser("suggest", help="queue one article (a link, or a saved file)")
    p.add_argument("url", nargs="?")
    p.add_argument("--file", type=Path, metavar="PATH")
    p.add_argument("--outlet", help="who published it (default: the address's host)")

    p = sub.add_parser("extract", help="the figures and claimants found in a plain-text article")
    p.add_argument("path", metavar="PATH|-")
    p.add_argument("--format", choices=("text", "json"), default="text")

    queue = sub.add_parser("queue", help="the editors' review queue")
    actions = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="pending candidates, oldest first")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = actions.add_parser("approve", help="create the entry from a candidate")
    p.add_argument("id", type=int)
    p.add_argument("--title")
    p.add_argument("--status")
    p.add_argument("--importance", type=int)
    p.add_argument("--topic", dest="topics", action="append", default=[])
    p.add_argument("--actor", dest="actors", action="append", default=[])
    p = actions.add_parser("merge", help="add a candidate's sources and figures to an entry")
    p.add_argument("id", type=int)
    p.add_argument("--into", required=True, metavar="ID|SLUG")
    p = actions.add_parser("reject", help="reject a candidate; the story will not come back")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    p = actions.add_parser("later", help="send a candidate to the back of the queue")
    p.add_argument("id", type=int)


def _lazy(name: str) -> Command:
    async def run(app: App, args: argparse.Namespace) -> int:
        from bot.intake.handlers import HANDLERS

        return await HANDLERS[name](app, args)

    return run


COMMANDS: dict[str, Command] = {
    name: _lazy(name) for name in ("feeds", "suggest", "extract", "queue")
}

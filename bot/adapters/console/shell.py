"""A terminal stand-in for Discord: type the same slash commands, get text answers.

Like Hubot's shell adapter, it lets anyone try the bot without a Discord token; the
answers come from the same use cases the Discord cogs call.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from datetime import date
from textwrap import fill
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.domain import errors
from bot.domain.entries import STATUS_SCOPE
from bot.rendering import text as render
from bot.service import BriefingService

BANNER = (
    "Briefing Bot — console mode (no DISCORD_TOKEN set).\n"
    "Type the same commands as on Discord, e.g. /brief latest, /brief search troops,\n"
    "/brief show <slug>, /brief figures, /digest preview; 'help' lists them, 'quit' leaves.\n"
    "To run on Discord: set DISCORD_TOKEN (environment or .env) and run `make run` again."
)

HELP = """Commands:
  /brief latest [count] [topic:T] [actor:A]   newest entries
  /brief show SLUG                            one entry in full
  /brief search WORDS                         full-text search ("phrase", -exclude, OR, prefix*)
  /brief since YYYY-MM-DD                     entries since a date
  /brief timeline [from:D] [to:D] [actor:A]   entries in event order
  /brief figures [SUBJECT]                    every claim about each key number
  /brief history SLUG                         an entry's revisions
  /digest preview [date:YYYY-MM-DD]           today's digest, or what happened on a day
  help, quit

""" + fill(STATUS_SCOPE, 92)

Handler = Callable[[list[str], dict[str, str]], Awaitable[str]]


class Console:
    """Parses one typed line into a use case call and returns the text answer."""

    def __init__(self, service: BriefingService, tz: ZoneInfo) -> None:
        self.service = service
        self.tz = tz
        self.handlers: dict[str, Handler] = {
            "brief latest": self._latest,
            "brief show": self._show,
            "brief search": self._search,
            "brief since": self._since,
            "brief timeline": self._timeline,
            "brief figures": self._figures,
            "brief history": self._history,
            "brief help": self._help,
            "digest preview": self._digest,
        }

    async def handle(self, line: str) -> str:
        """The answer to one line; errors are answered as text, never raised."""
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if not words:
            return ""
        if words[0].lower() in ("help", "/help", "?"):
            return HELP
        command = " ".join(w.lstrip("/").lower() for w in words[:2])
        handler = self.handlers.get(command)
        if handler is None:
            return f"Unknown command {' '.join(words[:2])!r}. Type 'help'."
        positional = [w for w in words[2:] if ":" not in w or w.startswith('"')]
        options = dict(w.split(":", 1) for w in words[2:] if ":" in w and not w.startswith('"'))
        try:
            return await handler(positional, options)
        except Exception as error:  # worded as on every platform; a bug gets an error id
            return f"Error: {errors.sentence(error, f'console {command}')}"

    async def greeting(self) -> str:
        """What the console shows first: the latest briefs and today's digest."""
        latest = await self._latest([], {})
        digest = await self._digest([], {})
        return f"{BANNER}\n\n{latest}\n\n{digest}"

    async def _latest(self, args: list[str], options: dict[str, str]) -> str:
        count = int(args[0]) if args and args[0].isdigit() else 5
        page = await self.service.latest(count, 0, options.get("topic"), options.get("actor"))
        return render.render_page(page)

    async def _show(self, args: list[str], options: dict[str, str]) -> str:
        if not args:
            return "Usage: /brief show SLUG"
        return render.render_entry(await self.service.show(args[0]))

    async def _search(self, args: list[str], options: dict[str, str]) -> str:
        return render.render_search(await self.service.search(" ".join(args)))

    async def _since(self, args: list[str], options: dict[str, str]) -> str:
        if not args:
            return "Usage: /brief since YYYY-MM-DD"
        entries = await self.service.timeline(_day(args[0]))
        return "\n".join(render.entry_line(e) for e in entries) or "No entries since then."

    async def _timeline(self, args: list[str], options: dict[str, str]) -> str:
        start = _day(options["from"]) if "from" in options else None
        end = _day(options["to"]) if "to" in options else None
        entries = await self.service.timeline(start, end, options.get("actor"))
        return "\n".join(render.entry_line(e) for e in entries) or "No entries in that range."

    async def _figures(self, args: list[str], options: dict[str, str]) -> str:
        tracker = await self.service.figures(args[0] if args else None)
        text = render.render_figures(tracker.groups)
        return f"{text}\n\n{tracker.notice}" if tracker.notice else text

    async def _history(self, args: list[str], options: dict[str, str]) -> str:
        if not args:
            return "Usage: /brief history SLUG"
        return render.render_history(await self.service.history(args[0]))

    async def _help(self, args: list[str], options: dict[str, str]) -> str:
        return HELP

    async def _digest(self, args: list[str], options: dict[str, str]) -> str:
        day = options.get("date") or (args[0] if args else None)
        if day is None:
            digest = await self.service.digest(self.tz)
        else:
            digest = await self.service.digest_of_day(_day(day))
        return render.render_digest(digest, more_hint="/brief latest")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.InvalidInput(f"'{text[:40]}' is not a date; use YYYY-MM-DD") from None


async def run_console(
    console: Console, read_line: Callable[[], Awaitable[str]], out: TextIO
) -> None:
    """Greet, then answer lines until 'quit' or end of input."""
    out.write(await console.greeting() + "\n")
    while True:
        out.write("> ")
        out.flush()
        line = await read_line()
        if not line:
            out.write("\n")
            return
        if line.strip().lower() in ("quit", "exit", "/quit"):
            return
        answer = await console.handle(line)
        if answer:
            out.write(answer + "\n")

"""``briefbot``: the command line over the same service the bots use.

Every failure is one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bot.app import App, open_app, seed_if_empty
from bot.brief_files import read_brief_files
from bot.cli_db import cmd_db
from bot.cli_parser import build_parser
from bot.domain import errors
from bot.domain.corrections import EditKind
from bot.domain.figures import FigureGroup
from bot.domain.schedule import zone
from bot.domain.validation import EntryValidationError
from bot.env_settings import SettingsError
from bot.intake import commands as intake_commands
from bot.rendering import text as render
from bot.rendering.terminal import printable_streams, progress_bar
from bot.settings import Settings
from bot.storage.database import DatabaseError
from bot.usecases.import_checks import ImportRejected

log = logging.getLogger("briefbot")

EXIT_USAGE = 2
EXIT_FAILED = 1
HEARTBEAT_STALE_S = 180

Command = Callable[[App, argparse.Namespace], Awaitable[int]]


class CliError(errors.UserError):
    """A failure to report as one line."""


async def cmd_import(app: App, args: argparse.Namespace) -> int:
    read = read_brief_files(args.paths)
    progress = progress_bar(len(read.documents))
    kind = EditKind.CORRECTION if args.correction else EditKind.MINOR
    result = await app.service.import_documents(
        read.documents, "cli", progress, problems=read.problems, kind=kind
    )
    print(
        f"Imported {len(result.added)} new, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged."
    )
    for slug in result.skipped_deleted:
        print(f"{slug}: skipped: the entry is deleted (restore it first to update it)")
    return 0


async def cmd_export(app: App, args: argparse.Namespace) -> int:
    count = await app.service.export(args.folder)
    print(f"Wrote {count} entries to {args.folder}/")
    return 0


async def cmd_latest(app: App, args: argparse.Namespace) -> int:
    await seed_if_empty(app)
    page = await app.service.latest(args.count, max(args.page, 1) - 1, args.topic, args.actor)
    print(render.render_page(page))
    return 0


async def cmd_show(app: App, args: argparse.Namespace) -> int:
    await seed_if_empty(app)
    print(render.render_entry(await app.service.show(args.ref)))
    return 0


async def cmd_search(app: App, args: argparse.Namespace) -> int:
    await seed_if_empty(app)
    results = await app.service.search(" ".join(args.query), max(args.page, 1) - 1)
    print(render.render_search(results))
    return 0


async def cmd_timeline(app: App, args: argparse.Namespace) -> int:
    await seed_if_empty(app)
    entries = await app.service.timeline(args.start, args.end, args.actor)
    print("\n".join(render.entry_line(e) for e in entries) or "No entries in that range.")
    return 0


async def cmd_figures(app: App, args: argparse.Namespace) -> int:
    await seed_if_empty(app)
    tracker = await app.service.figures(args.subject)
    if args.chart is not None:
        _write_chart(tracker.groups, args.subject, args.chart)
    if args.format == "json":
        print(render.figures_json(tracker.groups))
        if tracker.notice:  # stdout stays one JSON document
            print(tracker.notice, file=sys.stderr)
    else:
        print(render.render_figures(tracker.groups, args.format))
        if tracker.notice:
            print(f"\n{tracker.notice}")
    return 0


def _write_chart(groups: Sequence[FigureGroup], subject: str | None, target: Path) -> None:
    if subject is None:
        raise CliError("--chart draws one quantity: give --subject too")
    if not groups:
        raise CliError(f"no figures recorded for '{subject[:80]}'")
    # Imported here: matplotlib takes a while to load and only this command needs it.
    from bot.rendering.chart import chart_png

    try:
        target.write_bytes(chart_png(groups[0]))
    except OSError as error:
        raise CliError(f"cannot write {target}: {error.strerror}") from None
    print(f"Chart written to {target}", file=sys.stderr)


async def cmd_history(app: App, args: argparse.Namespace) -> int:
    print(render.render_history(await app.service.history(args.ref)))
    return 0


async def cmd_digest(app: App, args: argparse.Namespace) -> int:
    await seed_if_empty(app)
    tz = zone(args.tz or app.settings.timezone)
    topics = tuple(args.topic)
    if args.date is not None and args.since is None:
        digest = await app.service.digest_of_day(args.date, topics)
    else:
        digest = await app.service.digest(tz, args.date, args.since, topics)
    if args.format == "json":
        print(render.digest_json(digest))
    else:
        print(render.render_digest(digest, args.format))
    return 0


async def cmd_run(app: App, args: argparse.Namespace) -> int:
    from bot.runner import choose_shards, run

    if args.shards is not None or args.shard_count is not None:
        choose_shards(args.shards, args.shard_count)
    return await run(app)


async def cmd_web(app: App, args: argparse.Namespace) -> int:
    from bot.adapters.web.server import serve_web

    await seed_if_empty(app)
    settings = app.settings
    await serve_web(app.service, settings, args.host or settings.web_host, args.port)
    return 0


async def cmd_sync_commands(app: App, args: argparse.Namespace) -> int:
    from bot.runner import sync_commands

    count = await sync_commands(app, args.guild)
    where = f"server {args.guild}" if args.guild else "all servers (may take up to an hour)"
    print(f"Synced {count} slash commands to {where}.")
    return 0


async def cmd_health(app: App, args: argparse.Namespace) -> int:
    await app.storage.schema_version()
    heartbeat = app.settings.heartbeat_file
    if heartbeat.exists():
        age = time.time() - heartbeat.stat().st_mtime
        if age > HEARTBEAT_STALE_S:
            raise CliError(f"the bot has not reported for {age:.0f} s")
    print("ok")
    return 0


COMMANDS: dict[str, Command] = {
    "import": cmd_import,
    "export": cmd_export,
    "latest": cmd_latest,
    "show": cmd_show,
    "search": cmd_search,
    "timeline": cmd_timeline,
    "figures": cmd_figures,
    "history": cmd_history,
    "digest": cmd_digest,
    "db": cmd_db,
    "run": cmd_run,
    "web": cmd_web,
    "health": cmd_health,
    "sync-commands": cmd_sync_commands,
    **intake_commands.COMMANDS,
}


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "db" and args.db_command == "copy":
        from bot.cli_copy import cmd_db_copy

        return await cmd_db_copy(settings, args)
    async with open_app(settings) as app:
        return await COMMANDS[args.command](app, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``briefbot`` console script."""
    with printable_streams():
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    # Only the long-running bot logs progress; one-shot commands print just their answer.
    level = settings.log_level.upper() if args.command in ("run", "web") else "WARNING"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(_main(args, settings))
    except ImportRejected as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"briefbot: {error}", file=sys.stderr)
        return EXIT_FAILED
    except EntryValidationError as error:
        for field_problem in error.problems:
            print(field_problem, file=sys.stderr)
        return EXIT_FAILED
    except (DatabaseError, FileExistsError) as error:  # the operator reads which file and why
        print(f"briefbot: {_first_line(error)}", file=sys.stderr)
        return EXIT_FAILED
    except errors.UserError as error:  # the sentence every platform shows
        print(f"briefbot: {(errors.describe(error) or '').splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `briefbot … | head`: quiet, and stdout to /dev/null so the exit flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as error:
        print(
            f"briefbot: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return EXIT_FAILED
    except Exception as error:  # a bug: its text may hold internals; the log keeps it
        message = errors.unexpected(error, f"briefbot {args.command}", log)
        print(f"briefbot: {message}", file=sys.stderr)
        return EXIT_FAILED


def _first_line(error: BaseException) -> str:
    text = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    return text.splitlines()[0] if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())

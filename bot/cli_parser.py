"""``briefbot``'s arguments: every command, its options and their help text."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from bot.intake import commands as intake_commands


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO 8601 date-time") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefbot",
        description="A sourced briefing on North Korea's military support to Russia.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="validate brief files and import them all-or-nothing")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--correction",
        action="store_true",
        help="the changed entries are corrections: channels that received them are told",
    )
    p = sub.add_parser("export", help="write every entry as a brief file")
    p.add_argument("folder", type=Path, nargs="?", default=Path("export"))

    p = sub.add_parser("latest", help="the newest entries")
    p.add_argument("-n", "--count", type=int, default=5)
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--topic")
    p.add_argument("--actor")
    p = sub.add_parser("show", help="one entry in full")
    p.add_argument("ref", metavar="ID|SLUG")
    p = sub.add_parser("search", help='full-text search ("phrase", -exclude, OR, prefix*)')
    p.add_argument("query", nargs="+")
    p.add_argument("--page", type=int, default=1)
    p = sub.add_parser("timeline", help="entries in event order")
    p.add_argument("--from", dest="start", type=_date)
    p.add_argument("--to", dest="end", type=_date)
    p.add_argument("--actor")
    p = sub.add_parser("figures", help="key figures with every claim side by side")
    p.add_argument("--subject")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--chart", type=Path, metavar="PNG", help="also draw --subject as a PNG chart")
    p = sub.add_parser("history", help="an entry's revisions")
    p.add_argument("ref", metavar="ID|SLUG")

    p = sub.add_parser(
        "digest",
        help="compose a digest: new to the record today, or what happened on --date",
    )
    p.add_argument("--date", type=_date, help="what happened on this day (event date)")
    p.add_argument("--since", type=_datetime, help="new to the record since this moment")
    p.add_argument("--tz", help="IANA time zone (default BRIEFBOT_TIMEZONE)")
    p.add_argument("--topic", action="append", default=[])
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")

    db = sub.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    db.add_parser("migrate", help="create or upgrade the database")
    p = db.add_parser("backup", help="online backup to a new file")
    p.add_argument("target", type=Path)
    db.add_parser("check", help="integrity check")
    db.add_parser("reindex", help="rebuild the search index from the database")
    p = db.add_parser("copy", help="copy every table into a new, empty database")
    p.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="URL",
        help="sqlite:///new.sqlite3 or postgresql://user:password@host/db",
    )
    p.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="copy this database instead of the configured one",
    )

    p = sub.add_parser("run", help="run the bot (Discord with DISCORD_TOKEN, else a console)")
    p.add_argument(
        "--shards", metavar="IDS", help="run only these Discord shards, e.g. 0-3 or 0,2,5"
    )
    p.add_argument(
        "--shard-count", type=int, metavar="N", help="total Discord shards across all processes"
    )
    p = sub.add_parser("web", help="serve the read-only web archive")
    p.add_argument("--host", help="address to bind (default BRIEFBOT_WEB_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default BRIEFBOT_WEB_PORT, 8080)")
    p = sub.add_parser("sync-commands", help="push commands now: global + newsroom")
    p.add_argument("--guild", type=int, metavar="ID", help="copy the global ones to this server")
    sub.add_parser("health", help="exit 0 if the database opens and a running bot is alive")
    intake_commands.add_parsers(sub)
    return parser

"""The ledgers' rows to and from domain values, for SQLite and PostgreSQL alike: digest rows
and claims (``digests``), correction notices and corrections (``correction_notices``,
``revisions``).

Both backends store them the same way (ISO dates, text stamps, JSON change lists), so what a
row means lives here once; each backend keeps only its SQL, locking and driver calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bot.domain.corrections import CorrectionNotice
from bot.domain.entries import Correction
from bot.domain.ledger import Claim, LedgerKey, LedgerRow, LedgerStatus, NoticeKey
from bot.storage.codec import parse_stamp
from bot.storage.server_rows import in_scope

LEDGER_COLUMNS = (
    "platform, server_id, local_date, status, channel_id, message_id, attempts, last_error,"
    " claimed_at, finished_at, covers_until"
)
NOTICE_KEY_COLUMNS = "platform, server_id, channel_id, entry_id, revision"


def ledger_row(row: Any) -> LedgerRow:
    """A digest ledger row from a row selected with :data:`LEDGER_COLUMNS`."""
    return LedgerRow(
        platform=row["platform"],
        server_id=row["server_id"],
        local_date=date.fromisoformat(row["local_date"]),
        status=LedgerStatus(row["status"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        claimed_at=parse_stamp(row["claimed_at"]),
        finished_at=parse_stamp(row["finished_at"]),
        covers_until=parse_stamp(row["covers_until"]),
    )


def in_recovery_scope(
    rows: Iterable[LedgerRow], platforms: frozenset[str] | None
) -> list[LedgerRow]:
    """The rows a ledger scoped to ``platforms`` (None: all) recovers."""
    return [row for row in rows if in_scope(platforms, row.platform)]


def recovered_claim(
    platform: str, server_id: str, local_date: date, row: Any, now: datetime
) -> Claim:
    """The claim taken over from a crashed run, from the ``channel_id, attempts,
    covers_until`` the take-over returned (its window end stands; ``now`` if it had none)."""
    return Claim(
        platform,
        server_id,
        local_date,
        row["channel_id"] or "",
        int(row["attempts"]),
        now,
        parse_stamp(row["covers_until"]) or now,
        recovered=True,
    )


def ledger_keys_json(keys: Iterable[LedgerKey]) -> str | None:
    """Many ledger keys as one JSON array parameter; None when there are none."""
    wanted = [[platform, server, day.isoformat()] for platform, server, day in keys]
    return json.dumps(wanted) if wanted else None


def by_key(rows: Iterable[LedgerRow]) -> dict[LedgerKey, LedgerRow]:
    return {(r.platform, r.server_id, r.local_date): r for r in rows}


def changes_json(changes: Iterable[str]) -> str:
    """A correction's changes as stored in ``revisions.correction``."""
    return json.dumps(list(changes), ensure_ascii=False)


def notice_keys(rows: Iterable[Any], platforms: frozenset[str] | None) -> list[NoticeKey]:
    """The keys of rows selected with :data:`NOTICE_KEY_COLUMNS`, those of ``platforms`` only
    (None: all): a deployment sends only the notices of the platforms it runs."""
    keys = [NoticeKey(*tuple(row)) for row in rows]
    return [key for key in keys if in_scope(platforms, key.platform)]


def correction_notice(key: NoticeKey, row: Any) -> CorrectionNotice:
    """What a notice says, from the entry's ``slug, title`` and the revision's ``at,
    correction``."""
    at = parse_stamp(row["at"])
    assert at is not None
    changes = tuple(json.loads(row["correction"]))
    return CorrectionNotice(key.entry_id, row["slug"], row["title"], key.revision, at, changes)


def correction(row: Any) -> Correction:
    """One correction from a revision's ``revision, at, actor, correction``."""
    at = parse_stamp(row["at"])
    assert at is not None
    return Correction(row["revision"], at, row["actor"], tuple(json.loads(row["correction"])))

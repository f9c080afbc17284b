"""Plain-text views of feeds, candidates and extracted figures (CLI and console)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.claims import Qualifier
from bot.domain.entries import Status
from bot.domain.intake_records import Feed
from bot.intake.review import CandidateView


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def render_feeds(feeds: Sequence[Feed], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(
            [
                {
                    "id": f.id,
                    "name": f.name,
                    "url": f.url,
                    "every_minutes": f.every_minutes,
                    "paused": f.paused,
                    "pause_reason": f.pause_reason,
                    "last_success": f.last_success.isoformat() if f.last_success else None,
                    "last_error": f.last_error,
                    "items_seen": f.items_seen,
                    "next_poll": f.next_poll.isoformat(),
                }
                for f in feeds
            ],
            indent=2,
        )
    if not feeds:
        return "No feeds yet: briefbot feeds add URL"
    lines = []
    for f in feeds:
        state = f"paused: {f.pause_reason}" if f.paused else f"next poll {_when(f.next_poll)}"
        lines.append(f"{f.id}. {f.name} — {f.url} (every {f.every_minutes} min; {state})")
        lines.append(
            f"   last success {_when(f.last_success)} · last error: {f.last_error or 'none'}"
            f" · items seen {f.items_seen}"
        )
    return "\n".join(lines)


def figure_line(figure: dict[str, Any]) -> str:
    claimant = figure["claimant"] or "(the report itself)"
    if figure.get("relays"):
        claimant += f" (relayed by {'; '.join(figure['relays'])})"
    status = Status(figure["status"])
    qualifier = Qualifier(figure["qualifier"]).words
    label = f"{status.icon} {status.label}"
    return f"{figure['value']} {figure['quantity']} [{qualifier}] — {claimant} ({label})"


def render_figures(figures: Sequence[dict[str, Any]]) -> str:
    return "\n".join(f"- {figure_line(f)}" for f in figures) or "No figures found."


def render_candidates(candidates: Sequence[CandidateView]) -> str:
    if not candidates:
        return "The review queue is empty."
    blocks = []
    for c in candidates:
        outlets = ", ".join(dict.fromkeys(s["name"] for s in c.sources))
        block = [f"#{c.id} {c.title}", f"   reported by {len(c.sources)} source(s): {outlets}"]
        block += [f"   · {figure_line(f)}" for f in c.figures]
        if c.matches:
            block.append(f"   similar entries: {', '.join(c.matches)}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)

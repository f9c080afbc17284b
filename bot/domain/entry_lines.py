"""The line formats editors type in entry forms (any platform's modal), both ways.

Sources: ``Name | https://…`` one per line. Figures: ``value | what | claimed by | status``
with an optional ``| subject``. Prefilling a form writes these lines; saving an edited
form reads them back while keeping what the form cannot show (publication dates, stored
figure values), so an edit never silently changes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain.claims import claimant_text
from bot.domain.entries import EntryContent, Figure


def source_lines(content: EntryContent) -> str:
    return "\n".join(f"{s.name} | {s.url or '-'}" for s in content.sources)


def figure_lines(content: EntryContent) -> str:
    return "\n".join(
        f"{f.display} | {f.counts} | {claimant_text(f.originator, f.relays)} | {f.status.value}"
        f" | {f.subject}"
        for f in content.figures
    )


def keep_published(
    lines: str, published: dict[str, date | None], outlets: dict[str, str | None] | None = None
) -> list[dict[str, Any]] | str:
    """Source lines as typed, keeping the publication dates and outlets the form cannot show."""
    rows: list[dict[str, Any]] = []
    for line in (line for line in lines.splitlines() if line.strip()):
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 2:
            return lines  # let validation report the malformed line
        row = {"name": cells[0], "url": cells[1], "published": published.get(cells[1])}
        rows.append(
            row | ({"outlet": outlets[cells[1]]} if outlets and outlets.get(cells[1]) else {})
        )
    return rows


def keep_values(lines: str, figures: Sequence[Figure]) -> list[dict[str, Any]] | str:
    """Figure lines as typed, keeping each unchanged figure's stored value, unit and range.

    The form shows a figure's display text ("more than a third"), not its number (0.33);
    re-parsing the text would silently change the number on every edit.
    """
    stored = {(f.display, f.subject): f for f in figures}
    rows: list[dict[str, Any]] = []
    for line in (line for line in lines.splitlines() if line.strip()):
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 4 or len(cells) > 5:
            return lines  # let validation report the malformed line
        display, counts, claimed_by, status = cells[:4]
        subject = cells[4] if len(cells) == 5 else ""
        row: dict[str, Any] = {
            "display": display,
            "counts": counts,
            "claimed_by": claimed_by,
            "status": status,
            "subject": subject,
        }
        kept = stored.get((display, subject))
        if kept is not None:
            row |= {"value": kept.value, "qualifier": kept.qualifier.value, "unit": kept.unit}
            row |= {"high": kept.high} if kept.high is not None else {}
        rows.append(row)
    return rows

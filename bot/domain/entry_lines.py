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

from bot.domain.entries import EntryContent, Figure


def source_lines(content: EntryContent) -> str:
    return "\n".join(f"{s.name} | {s.url}" for s in content.sources)


def figure_lines(content: EntryContent) -> str:
    return "\n".join(
        f"{f.display} | {f.counts} | {f.claimed_by} | {f.status.value} | {f.subject}"
        for f in content.figures
    )


def keep_published(lines: str, published: dict[str, date | None]) -> list[dict[str, Any]] | str:
    """Source lines as typed, keeping the publication dates the form cannot show."""
    rows: list[dict[str, Any]] = []
    for line in (line for line in lines.splitlines() if line.strip()):
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 2:
            return lines  # let validation report the malformed line
        rows.append({"name": cells[0], "url": cells[1], "published": published.get(cells[1])})
    return rows


def keep_values(lines: str, figures: Sequence[Figure]) -> list[dict[str, Any]] | str:
    """Figure lines as typed, keeping each unchanged figure's stored value.

    The form shows a figure's display text ("more than a third"), not its number (0.33);
    re-parsing the text would silently change the number on every edit.
    """
    values = {(f.display, f.subject): f.value for f in figures}
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
        if (display, subject) in values:
            row["value"] = values[(display, subject)]
        rows.append(row)
    return rows

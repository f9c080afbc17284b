"""Corrections: what changed in substance when an editor corrects an entry readers received.

An editor saving an edit says whether it is a *correction* (a figure, a status, a claimant,
the summary's meaning changed) or a *minor edit*. A correction is recorded with its changes,
old → new, shown on the entry ("Corrected on …"), marked in its history, and sent once as a
short notice to every channel whose posted digest carried the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.claims import claimant_text
from bot.domain.entries import Correction, EntryContent, Figure
from bot.domain.errors import InvalidInput
from bot.domain.provenance import dated
from bot.domain.text import shorten

TEXT_CHANGE_LIMIT = 160
MAX_CHANGES = 8


class EditKind(StrEnum):
    """What the editor says an edit is, on save."""

    CORRECTION = "correction"
    MINOR = "minor"

    @property
    def label(self) -> str:
        return "correction" if self is EditKind.CORRECTION else "minor edit"


def parse_edit_kind(value: object) -> EditKind:
    """``correction`` or ``minor`` (``minor edit``); raises InvalidInput with the choices."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if text in ("minor", "minor edit", "minor-edit"):
        return EditKind.MINOR
    if text == "correction":
        return EditKind.CORRECTION
    raise InvalidInput(f"'{text[:40]}' is not one of: correction, minor edit")


@dataclass(frozen=True, slots=True)
class CorrectionNotice:
    """What a channel that received the entry is told: one short message."""

    entry_id: int
    slug: str
    title: str
    revision: int
    at: datetime
    changes: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"Correction: {self.title}"


def notice_marker(entry_id: int, revision: int) -> str:
    """The text a notice carries (in its footer), found again after a crash."""
    return f"correction · entry {entry_id} · r{revision}"


def substantive_changes(before: EntryContent, after: EntryContent) -> tuple[str, ...]:
    """The changes a reader should hear about, each ``what: old → new``."""
    changes: list[str] = []
    if before.status is not after.status:
        changes.append(f"status: {before.status.label} → {after.status.label}")
    if (before.event_date, before.event_date_basis) != (after.event_date, after.event_date_basis):
        old = dated(before.event_date, before.event_date_basis)
        new = dated(after.event_date, after.event_date_basis)
        changes.append(f"event date: {old} → {new}")
    changes += _figure_changes(before.figures, after.figures)
    for name in ("title", "summary"):
        old_text, new_text = getattr(before, name), getattr(after, name)
        if old_text != new_text:
            changes.append(
                f"{name}: “{shorten(old_text, TEXT_CHANGE_LIMIT)}” → "
                f"“{shorten(new_text, TEXT_CHANGE_LIMIT)}”"
            )
    if not changes and before != after:
        changes.append("details and sources")
    return tuple(changes[:MAX_CHANGES])


def _figure_changes(before: tuple[Figure, ...], after: tuple[Figure, ...]) -> list[str]:
    old = {f.subject: f for f in before}
    new = {f.subject: f for f in after}
    changes = []
    for subject in dict.fromkeys([*old, *new]):
        was, now = old.get(subject), new.get(subject)
        if was == now:
            continue
        if was is None or now is None:
            shown = _figure_text(now if was is None else was)  # type: ignore[arg-type]
            verb = "added" if was is None else "removed"
            changes.append(f"figure {verb}: {shown}")
        else:
            changes.append(f"figure: {_figure_text(was)} → {_figure_text(now)}")
    return changes


def _figure_text(figure: Figure) -> str:
    who = claimant_text(figure.originator, figure.relays)
    return f"{figure.display} ({who}, {figure.status.label.lower()})"


def corrected_line(correction: Correction) -> str:
    """``Corrected on 30 Nov 2026: status: Confirmed → Reported; …``."""
    what = "; ".join(correction.changes) or "see the history"
    return f"Corrected on {correction.at:%d %b %Y}: {what}"

"""Drafts as stored (JSON) and as an entry form wants them (the raw entry mapping)."""

from __future__ import annotations

from typing import Any

from bot.domain.extraction.figures import FoundFigure
from bot.domain.intake import Draft


def figure_dict(figure: FoundFigure) -> dict[str, Any]:
    """The fields ``briefbot extract`` prints for a figure."""
    return {
        "value": figure.value,
        "number": figure.number,
        "high": figure.high,
        "qualifier": figure.qualifier.value,
        "quantity": figure.quantity,
        "claimant": figure.claimant,
        "relays": list(figure.relays),
        "hedge": list(figure.hedge),
        "status": figure.status.value,
        "sentence": figure.sentence,
    }


def draft_dict(draft: Draft) -> dict[str, Any]:
    # Field by field: dataclasses.asdict deep-copies every figure first (a third of a
    # millisecond an item on a poll).
    return {
        "title": draft.title,
        "summary": draft.summary,
        "event_date": draft.event_date.isoformat(),
        "date_basis": draft.date_basis.value,
        "topics": list(draft.topics),
        "actors": list(draft.actors),
        "figures": [figure_dict(f) for f in draft.figures],
    }


def raw_figure(figure: dict[str, Any], outlet: str) -> dict[str, Any]:
    """A figure as the entry form takes it: the source's words, the claimant (the outlet
    itself when the text names nobody), its relays and the suggested status."""
    raw: dict[str, Any] = {
        "display": figure["value"],
        "value": figure["number"],
        "counts": figure["quantity"],
        "originator": figure["claimant"] or outlet,
        "status": figure["status"],
    }
    if figure.get("high") is not None:
        raw["high"] = figure["high"]
    if figure.get("relays"):
        raw["relays"] = list(figure["relays"])
    return raw

"""Shared test data: the entry form as an editor fills it, and brief files to import."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from tests.standins.discord import Reply

TITLE = "Title"
SUMMARY = "Summary"
DETAILS = "Details (optional)"
SOURCES = "Sources: one per line, Name | https://…"
FIGURES = "Figures: value | what | claimed by | status"

ADD_OPTIONS: dict[str, Any] = {
    "topics": "deployment, intelligence",
    "actors": "north-korea, russia",
    "status": "reported",
    "importance": 3,
    "event_date": "2026-11-27",
}


def form(
    title: str = "North Korean engineers reported in Kursk",
    summary: str = "Reports say North Korean military engineers arrived in Kursk oblast.",
    details: str = "",
    sources: str = "Kyiv Post | https://www.kyivpost.com/post/1",
    figures: str = "about 1,000 | North Korean engineers in Kursk | Ukrainian officials | reported",
) -> dict[str, str]:
    return {TITLE: title, SUMMARY: summary, DETAILS: details, SOURCES: sources, FIGURES: figures}


def modal_values(reply: Reply) -> dict[str, str]:
    """The prefilled text of each input of a modal, by label."""
    assert reply.modal is not None, f"expected a modal, got {reply!r}"
    values: dict[str, str] = {}
    for row in reply.modal["components"]:
        inputs = row.get("components") or [row.get("component")]
        for item in inputs:
            label = item.get("label") or row.get("label")
            values[label] = item.get("value") or ""
    return values


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()

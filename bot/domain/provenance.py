"""Where dates and links come from, said out loud.

A date the source does not state (taken from the public record, inferred by the editor,
or simply the date of the report) is shown with that note, never as if the source said it.
A link to an outlet's home page is labelled as the outlet, never as the article.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit


class DateBasis(StrEnum):
    """What an entry's event date rests on."""

    SOURCE = "source"
    PUBLIC_RECORD = "public-record"
    EDITOR = "editor"
    REPORT = "report"

    @property
    def note(self) -> str:
        """The words shown after a date that the source does not state ("" when it does)."""
        return DATE_NOTES[self]


DATE_NOTES: dict[DateBasis, str] = {
    DateBasis.SOURCE: "",
    DateBasis.PUBLIC_RECORD: "date from public record",
    DateBasis.EDITOR: "date inferred by the editor",
    DateBasis.REPORT: "date of the report",
}


def parse_date_basis(value: object) -> DateBasis:
    """``source`` (default), ``public-record``, ``editor`` or ``report``."""
    if value is None or value == "":
        return DateBasis.SOURCE
    if not isinstance(value, str):  # never str() a container (it may be an alias bomb)
        raise ValueError(f"must be one of the date bases, not a {type(value).__name__}")
    text = value.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return DateBasis(text)
    except ValueError:
        choices = ", ".join(b.value for b in DateBasis)
        raise ValueError(f"'{str(value)[:40]}' is not one of: {choices}") from None


def dated(day: date, basis: DateBasis, fmt: str = "%d %b %Y") -> str:
    """``"19 Jun 2024, date from public record"``; just the date when the source states it."""
    text = day.strftime(fmt)
    return f"{text}, {basis.note}" if basis.note else text


class _Linked(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def outlet(self) -> str | None: ...


def is_home_page(url: str | None) -> bool:
    """True for an address that names a site rather than a page (``https://www.kyivpost.com/``)."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query and not parts.fragment


def link_label(source: _Linked) -> str:
    """What a link to the source may be called: the outlet for a home page, else the source."""
    if is_home_page(source.url):
        return f"{source.outlet or source.name} (outlet home page)"
    return source.name


def link_kind(source: _Linked) -> str:
    """What the link points at: ``article``, ``outlet`` (a home page) or ``none``."""
    if not source.url:
        return "none"
    return "outlet" if is_home_page(source.url) else "article"


def link_note(source: _Linked) -> str:
    """Said next to a source whose link is not the article itself ("" for a direct link)."""
    if not source.url:
        return "no link given"
    if is_home_page(source.url):
        return "no link to the article; the link is the outlet's home page"
    return ""


class _Cited(_Linked, Protocol):
    @property
    def published(self) -> date | None: ...


def source_text(source: _Cited) -> str:
    """``Kyiv Post, 21 Oct 2024 (no link to the article; …)`` without the address itself."""
    outlet = f" ({source.outlet})" if source.outlet and source.outlet != source.name else ""
    published = f", {source.published:%d %b %Y}" if source.published else ""
    note = link_note(source)
    return f"{source.name}{outlet}{published}" + (f" ({note})" if note else "")

"""Jinja2 with autoescape on, and the few helpers templates need to say things as the bots do."""

from __future__ import annotations

from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from bot.domain.corrections import corrected_line
from bot.domain.entries import MARK_END, MARK_START
from bot.domain.figures import claim_date, claimant, own_counts
from bot.domain.permalinks import permalink_path
from bot.domain.provenance import dated, link_label, source_text


def subject_path(subject: str) -> str:
    return "/figures/" + quote(subject, safe="")


def highlighted(snippet: str) -> Markup:
    """A search snippet with its matched words in ``<mark>``; everything else escaped."""
    out = escape(snippet).replace(MARK_START, Markup("<mark>")).replace(MARK_END, Markup("</mark>"))
    return Markup(out)


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.adapters.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        permalink=permalink_path,
        subject_path=subject_path,
        highlighted=highlighted,
        dated=dated,
        claimant=claimant,
        claim_date=claim_date,
        own_counts=own_counts,
        corrected_line=corrected_line,
        source_text=source_text,
        link_label=link_label,
    )
    return env

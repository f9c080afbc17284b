"""Where an entry lives in the public web archive, for every adapter that links to it."""

from __future__ import annotations

from urllib.parse import quote


def permalink_path(slug: str) -> str:
    """``/entries/<slug>``, the slug percent-encoded so no text can leave the path."""
    return "/entries/" + quote(slug, safe="")


def permalink(base_url: str | None, slug: str) -> str | None:
    """The absolute permalink under the archive's public address; None when there is none."""
    return base_url.rstrip("/") + permalink_path(slug) if base_url else None

"""Small text helpers shared by validation, the composer and the renderers."""

from __future__ import annotations

import re
import unicodedata

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """Turn free text into a lowercase-hyphen key ("NIS: 1,500 troops" → "nis-1-500-troops")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, marking the cut."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(text) <= limit:
        return text
    room = max(limit - len(ellipsis), 0)
    cut = text[:room]
    if not text[room : room + 1].isspace() and not cut[-1:].isspace():
        words = cut.rsplit(None, 1)  # any whitespace: multi-line text breaks at newlines
        if len(words) == 2:
            cut = words[0]
    return cut.rstrip(" ,;:.-—") + ellipsis


def has_control_characters(text: str, allow_newlines: bool) -> bool:
    """True if ``text`` holds control characters (newlines and tabs allowed on request)."""
    allowed = {"\n", "\t", "\r"} if allow_newlines else set()
    visible = text
    for char in allowed:
        visible = visible.replace(char, "")
    if visible.isprintable():  # no control character at all: checked at C speed
        return False
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)

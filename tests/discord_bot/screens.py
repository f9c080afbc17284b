"""Pictures of the bot: the payloads it sends, drawn in a Discord-like page by Chromium.

A hand-written template rather than ``@skyra/discord-components-core``: that package ships
ES modules that import ``lit`` by bare name, so drawing one message needs a bundler or an
import map served over HTTP; this page needs Jinja2 (already a dependency) and is drawn by
the same Playwright + Debian Chromium as the browser tests. It covers what the bot sends:
content, embeds (colour bar, linked title, description, fields, footer, image), buttons and
modal forms, with Discord's Markdown subset (bold, italics, code, escapes).

Each payload is kept as ``docs/screens/<name>.json`` with its hash in ``<name>.sha256``: a
test fails when the bot's payload changes and ``make screenshots`` was not run again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from tests.web.browser import CHROMIUM_ARGS, chromium_or_skip

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
WRITING = os.environ.get("BRIEFBOT_WRITE_SCREENS") == "1"
EMBED_KEYS = ("title", "url", "description", "color", "fields", "footer", "timestamp", "image")
COMPONENT_KEYS = ("type", "label", "style", "url", "disabled", "placeholder", "value", "required")

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", re.S)
_CODE = re.compile(r"`([^`]+)`")
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>#|~@.()-])")


def payload_of(message: Any = None, modal: Any = None) -> dict[str, Any]:
    """What a person sees, without ids that change from run to run."""
    if modal is not None:
        return {"modal": {"title": modal["title"], "fields": _components(modal["components"])}}
    return {
        "content": message.content,
        "embeds": [{k: e[k] for k in EMBED_KEYS if k in e} for e in message.embeds],
        "components": _components(message.components),
        "attachments": [
            {"filename": a.filename, "sha256": hashlib.sha256(a.data).hexdigest()}
            for a in message.attachments
        ],
    }


def _components(rows: list[Any]) -> list[Any]:
    return [
        [{k: c[k] for k in COMPONENT_KEYS if k in c} for c in row.get("components", [])]
        for row in rows
    ]


def payload_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def markdown(text: str) -> Markup:
    """Discord's Markdown subset as HTML; the text is escaped first."""
    html = str(escape(text))
    keep: list[str] = []

    def hold(match: re.Match[str]) -> str:
        keep.append(match.group(1))
        return f"\x00{len(keep) - 1}\x00"

    html = _ESCAPED.sub(hold, html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    html = re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], html)
    return Markup(html.replace("\n", "<br>"))


def colour(value: int | None) -> str:
    return f"#{value:06x}" if value is not None else "#1e1f22"


def field_rows(fields: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Fields as Discord lays them out: up to three inline fields share a row."""
    rows: list[list[dict[str, Any]]] = []
    for field in fields:
        if field.get("inline") and rows and rows[-1][-1].get("inline") and len(rows[-1]) < 3:
            rows[-1].append(field)
        else:
            rows.append([field])
    return rows


_ENV = Environment(autoescape=select_autoescape(default_for_string=True))
_ENV.filters.update(md=markdown, colour=colour, field_rows=field_rows)
_PAGE = _ENV.from_string((Path(__file__).parent / "discord_look.html").read_text())


def render_html(payload: dict[str, Any], images: dict[str, bytes]) -> str:
    data = {name: base64.b64encode(png).decode() for name, png in images.items()}
    return _PAGE.render(p=payload, images=data)


async def check_or_write(
    name: str, payload: dict[str, Any], images: dict[str, bytes] | None = None
) -> None:
    """Compare with the stored hash, or (``make screenshots``) store payload, hash and PNG."""
    digest = payload_hash(payload)
    stored = SCREENS / f"{name}.sha256"
    if not WRITING:
        assert stored.is_file() and stored.read_text().strip() == digest, (
            f"the {name} payload changed: run `make screenshots` and commit docs/screens/"
        )
        return
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    stored.write_text(digest + "\n")
    await draw(render_html(payload, images or {}), SCREENS / f"{name}.png")


async def draw(html: str, target: Path) -> None:
    """Draw ``html`` in headless Chromium and keep the message area as a PNG."""
    executable = chromium_or_skip()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 760, "height": 400})
            await page.set_content(html)
            await page.locator("#shot").screenshot(path=str(target))
        finally:
            await browser.close()

"""Attacks on the web archive: hostile entry text, odd addresses, spoofed hosts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.web.pages import WebConfig, build_app
from bot.storage.budget import SearchBusy, SearchTooSlow
from tests.factories import raw_entry

from .conftest import CONFIG, archive_service

HOSTILE = "hostile-entry"


async def test_entry_text_cannot_inject_markup_into_pages_or_the_feed(tmp_path: Path) -> None:
    async with archive_service(tmp_path) as service:
        await service.add(
            raw_entry(
                slug=HOSTILE,
                title='Troops <script>alert(1)</script> "><img src=x onerror=alert(2)>',
                summary="Bold ]]></summary><entry> & <b>tags</b>",
                sources=[{"name": "<i>Outlet</i>", "url": "https://example.org/a?q=1&b=2"}],
            ),
            "editor-ana",
        )
        async with TestClient(TestServer(build_app(service, CONFIG))) as client:
            page = await (await client.get(f"/entries/{HOSTILE}")).text()
            home = await (await client.get("/")).text()
            feed = await (await client.get("/feed.atom")).read()
    for html in (page, home):
        assert "<script>" not in html and "<img src=x" not in html and "<b>tags" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://example.org/a?q=1&amp;b=2"' in page and "<i>Outlet" not in page
    parsed = feedparser.parse(feed)
    assert not parsed.bozo
    item = next(e for e in parsed.entries if e.link.endswith(HOSTILE))
    assert item.title.startswith("Troops <script>")  # text in the feed, not markup


async def test_traversal_and_odd_addresses_are_plain_404_pages(client: Any) -> None:
    for path in (
        "/static/../pages.py",
        "/static/%2e%2e/pages.py",
        "/entries/%2e%2e%2fhealthz",
        "/entries/%00",
        "/figures/%0a",
        "/digests/2024-02-30",
        "/digests/99999-01-01",
    ):
        response = await client.get(path)
        body = await response.text()
        assert response.status == 404, path
        assert "Traceback" not in body and "pages.py" not in body.split("<main", 1)[1]
    too_far = await client.get("/?page=100000000000000000000")
    assert too_far.status == 400 and "The page must be a number" in await too_far.text()


async def test_without_a_public_url_a_spoofed_host_cannot_plant_links_in_the_feed(
    tmp_path: Path,
) -> None:
    async with archive_service(tmp_path) as service:
        app = build_app(service, WebConfig(tz=CONFIG.tz))
        async with TestClient(TestServer(app)) as client:
            response = await client.get("/feed.atom", headers={"Host": 'evil.example"><x y="'})
            feed = feedparser.parse(await response.read())
    assert response.headers["Cache-Control"].startswith("private")
    assert feed.entries and all(e.link.startswith("http://localhost/") for e in feed.entries)


@pytest.mark.parametrize("refusal", [SearchBusy, SearchTooSlow])
async def test_a_search_past_the_bots_time_budget_says_so_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: type[ValueError]
) -> None:
    async with archive_service(tmp_path) as service:

        async def over_budget(*args: object) -> None:
            raise refusal()

        monkeypatch.setattr(service, "search", over_budget)
        async with TestClient(TestServer(build_app(service, CONFIG))) as client:
            response = await client.get("/search?q=kor*")
            body = await response.text()
    assert response.status == 200
    assert str(refusal()) in body and "Traceback" not in body

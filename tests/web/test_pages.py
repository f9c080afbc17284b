"""The web archive over HTTP, as a reader's browser or feed reader sees it."""

from __future__ import annotations

from typing import Any

import feedparser

from .conftest import CORRECTED, DELETED, PUBLIC_URL

Client = Any  # aiohttp's TestClient
NIS = "nis-confirms-north-korean-special-forces-in-russia"


async def text_of(client: Client, path: str, status: int = 200) -> str:
    response = await client.get(path)
    body = await response.text()
    assert response.status == status, body[:500]
    return body


async def test_home_lists_the_latest_entries_with_badges_and_permalinks(client: Client) -> None:
    body = await text_of(client, "/")
    assert '<html lang="en">' in body
    assert f'href="/entries/{NIS}"' in body
    assert "🟢 Confirmed" in body
    assert DELETED not in body


async def test_a_permalink_shows_figures_sources_and_the_correction(client: Client) -> None:
    body = await text_of(client, f"/entries/{CORRECTED}")
    assert "Corrected on " in body and "status: Reported → Disputed" in body
    assert "🟠 Disputed" in body
    assert "<h2>Sources</h2>" in body and "<h2>History</h2>" in body
    assert 'id="revision-2"' in body and "Correction:" in body
    nis = await text_of(client, f"/entries/{NIS}")
    assert "<h2>Figures</h2>" in nis and 'href="/figures/nk-troops-in-russia"' in nis


async def test_deleted_and_unknown_entries_are_a_404_page(client: Client) -> None:
    for path in (f"/entries/{DELETED}", "/entries/no-such-entry", "/entries/1", "/nowhere"):
        body = await text_of(client, path, 404)
        assert "<h1>Page not found</h1>" in body and "Traceback" not in body


async def test_a_figure_page_has_its_chart_with_alt_text_and_a_data_table(client: Client) -> None:
    body = await text_of(client, "/figures/nk-troops-in-russia")
    assert 'src="/figures/nk-troops-in-russia/chart.png"' in body
    assert 'alt="Chart of ' in body and "<table>" in body and "at least 1,500" in body
    chart = await client.get("/figures/nk-troops-in-russia/chart.png")
    assert chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG")
    assert "nk-troops-in-russia" in await text_of(client, "/figures")
    await text_of(client, "/figures/no-such-subject", 404)


async def test_timeline_and_the_digest_of_a_day(client: Client) -> None:
    timeline = await text_of(client, "/timeline?from=2024-10-18&to=2024-10-19")
    assert NIS in timeline and "north-korea-russia-treaty" not in timeline
    assert "must be a date" in await text_of(client, "/timeline?from=yesterday", 400)
    backwards = await text_of(client, "/timeline?from=2024-10-19&to=2024-10-18", 400)
    assert "the start date is after the end date" in backwards
    digest = await text_of(client, "/digests/2024-10-18")
    assert "What happened on 18 October 2024" in digest and NIS in digest
    assert "No recorded event took place on this day." in await text_of(
        client, "/digests/2024-01-01"
    )
    recorded = await text_of(client, "/digests/2024-10-22")  # the import, in Asia/Seoul
    assert "New to the record on 22 October 2024 (Asia/Seoul)" in recorded
    assert f'href="/entries/{NIS}"' in recorded
    await text_of(client, "/digests/0001-01-01", 404)
    response = await client.get("/digests", allow_redirects=False)
    assert response.headers["Location"] == "/digests/2024-10-22"  # NOW in Asia/Seoul


async def test_search_uses_the_bots_syntax_and_marks_matches(client: Client) -> None:
    body = await text_of(client, '/search?q="special forces"')
    assert "<mark>" in body and NIS in body
    assert "No results." in await text_of(client, "/search?q=zzzqqq")
    odd = await text_of(client, "/search?q=%22%20NEAR(%20AND%20OR%20<script>")
    assert "<script>" not in odd.split("<main", 1)[1]


async def test_headers_cache_and_csp(client: Client) -> None:
    response = await client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    tag = response.headers["ETag"]
    again = await client.get("/", headers={"If-None-Match": tag})
    assert again.status == 304
    assert (await client.post("/")).status == 405
    assert await text_of(client, "/healthz") == "ok\n"


async def test_the_atom_feed_reads_back_in_feedparser(client: Client) -> None:
    response = await client.get("/feed.atom")
    assert response.content_type == "application/atom+xml"
    feed = feedparser.parse(await response.read())
    assert not feed.bozo, feed.get("bozo_exception")
    (correction,) = [item for item in feed.entries if "correction" in {t.term for t in item.tags}]
    assert correction.title.startswith("Correction: Yoon reportedly tells NATO")
    assert correction.link == f"{PUBLIC_URL}/entries/{CORRECTED}#revision-2"
    assert "status: Reported → Disputed" in correction.summary
    nis = next(item for item in feed.entries if item.link == f"{PUBLIC_URL}/entries/{NIS}")
    assert nis.updated_parsed and nis.published_parsed
    assert {"deployment", "status:confirmed"} <= {tag.term for tag in nis.tags}
    assert all(DELETED not in item.link for item in feed.entries)

"""Attacks on ``/brief import``: the bot token must reach Slack's file host and nothing else.

Each story shares a file whose ``files.info`` answer an attacker shaped, runs the import as
an editor would, and checks what the editor reads, that a second local server (the "evil"
host: a third-party site, or an internal endpoint) heard nothing, and that the token appears
in no message.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.brief_files import render_brief
from tests.slack.conftest import ADMIN, BRIEF_CHANNEL, DIGEST_CHANNEL, EDITOR, SlackWorld
from tests.standins.slack.standin import BOT_TOKEN, TEAM_ID

NIS = "nis-confirms-north-korean-special-forces-in-russia"
FILE = "F0ATTACK01"
INTERNAL = "internal-metadata: db-password=hunter2"  # what an internal endpoint would leak


class EvilHost:
    """A server that is not Slack: it records every request and answers with secrets."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._any)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _any(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.headers))
        return web.Response(text=INTERNAL, content_type="application/octet-stream")


@pytest.fixture
async def evil() -> AsyncIterator[EvilHost]:
    host = EvilHost()
    await host.start()
    yield host
    await host.close()


async def brief(world: SlackWorld, slug: str) -> bytes:
    """A valid brief file (a copy of a seeded entry under a new slug)."""
    entry = await world.app.service.show(NIS)
    content = entry.content.__class__(
        **{**{f: getattr(entry.content, f) for f in entry.content.__slots__}, "slug": slug}
    )
    return render_brief(content).encode()


async def import_file(world: SlackWorld, user: str, fid: str = FILE) -> str:
    """``/brief import <link>`` as ``user`` in the briefing channel; what they read."""
    link = f"https://newsroom.slack.com/files/{user}/{fid}/brief.md"
    before = len(await world.app.service.entries())
    text = (await world.command(user, f"import <{link}>")).text
    assert BOT_TOKEN not in text and "xoxb-" not in text
    assert INTERNAL not in text and "error id" not in text
    if "Imported" not in text:
        assert len(await world.app.service.entries()) == before, "a refusal changes nothing"
    return text


async def shared(world: SlackWorld, name: str = "brief.md", **fields: Any) -> None:
    """``ADMIN`` shared a brief file in the briefing channel; ``fields`` reshape files.info."""
    data = await brief(world, "attack-copy")
    world.standin.share_file(FILE, name, data, user=ADMIN, channel=BRIEF_CHANNEL)
    world.standin.file_fields[FILE].update(fields)


def file_link(origin: str) -> str:
    return f"{origin}/files-pri/{TEAM_ID}-{FILE}/download/brief.md"


@pytest.mark.parametrize(
    "where",
    ["evil host", "internal path on the evil host", "userinfo lookalike", "not a file path"],
)
async def test_a_link_off_slacks_file_host_gets_nothing(
    socket_world: SlackWorld, evil: EvilHost, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    standin = socket_world.standin
    url = {
        "evil host": file_link(evil.url),
        "internal path on the evil host": f"{evil.url}/latest/meta-data/",
        # urllib and aiohttp once disagreed on hosts like this one: the host is after the @.
        "userinfo lookalike": file_link(evil.url.replace("//", f"//{standin.url[7:]}@")),
        "not a file path": f"{standin.url}/api/auth.test",
    }[where]
    await shared(socket_world, url_private=url, url_private_download=url)

    text = await import_file(socket_world, ADMIN)

    assert "not on Slack's file server, so I did not fetch it" in text
    assert evil.requests == [] and standin.downloads == []
    assert BOT_TOKEN not in caplog.text


@pytest.mark.parametrize(
    "fields",
    [
        {"is_external": True, "external_type": "gdrive", "mode": "hosted"},
        {"mode": "external"},
        {"is_external": False, "external_url": "EVIL"},
    ],
    ids=["is_external", "mode external", "external_url"],
)
async def test_external_and_remote_files_are_refused(
    socket_world: SlackWorld, evil: EvilHost, fields: dict[str, Any]
) -> None:
    # Even pointing at the stand-in's own file path: an external file is never fetched.
    url = evil.url if fields.get("external_url") else file_link(socket_world.standin.url)
    fields = {k: url if v == "EVIL" else v for k, v in fields.items()}
    await shared(socket_world, url_private=url, url_private_download=url, **fields)

    text = await import_file(socket_world, ADMIN)

    assert "stored outside Slack" in text and "won't fetch it" in text
    assert evil.requests == [] and socket_world.standin.downloads == []


async def test_a_plain_http_link_is_refused(socket_world: SlackWorld) -> None:
    url = f"http://files.slack.com/files-pri/{TEAM_ID}-{FILE}/download/brief.md"
    await shared(socket_world, url_private=url, url_private_download=url)

    text = await import_file(socket_world, ADMIN)

    assert "not on Slack's file server" in text
    assert socket_world.standin.downloads == []


@pytest.mark.parametrize("name", ["brief.html", "brief.md.exe", "no-suffix", ".md/evil.sh"])
async def test_a_wrong_file_name_is_refused_before_downloading(
    socket_world: SlackWorld, name: str
) -> None:
    await shared(socket_world, name=name)

    text = await import_file(socket_world, ADMIN)

    assert "Nothing was imported" in text and "not a brief file (.md, .yaml)" in text
    assert socket_world.standin.downloads == []


async def test_a_size_over_the_cap_is_refused_before_downloading(socket_world: SlackWorld) -> None:
    # The stored file is small; the size files.info states is what is checked first.
    await shared(socket_world, size=50 * 1024 * 1024)

    text = await import_file(socket_world, ADMIN)

    assert "Nothing was imported" in text and "at most" in text
    assert socket_world.standin.downloads == []


async def test_a_redirect_from_the_file_host_is_not_followed(
    socket_world: SlackWorld, evil: EvilHost
) -> None:
    await shared(socket_world)
    socket_world.standin.file_redirects[FILE] = file_link(evil.url)

    text = await import_file(socket_world, ADMIN)

    assert "I don't follow that" in text
    assert socket_world.standin.downloads == [FILE]  # asked Slack once, and went no further
    assert evil.requests == []


async def test_a_file_from_another_channel_is_only_its_uploaders(socket_world: SlackWorld) -> None:
    standin = socket_world.standin
    data = await brief(socket_world, "eves-copy")
    standin.share_file(FILE, "brief.md", data, user=EDITOR, channel=DIGEST_CHANNEL)

    refused = await import_file(socket_world, ADMIN)  # ADMIN runs it in #briefing

    assert "only a file shared in this channel or one you uploaded yourself" in refused
    assert standin.downloads == []

    # Eve uploaded it: she may import it from here.
    done = await import_file(socket_world, EDITOR)
    assert "Imported 1 new, 0 updated, 0 unchanged." in done
    assert (await socket_world.app.service.show("eves-copy")).created_by == f"eve ({EDITOR})"

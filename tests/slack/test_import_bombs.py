"""Import bombs through Slack's ``/brief import``: the same refusals as on Discord and the CLI
(the upload is parsed by the same core, off the event loop)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.reliability.bombs import alias_bomb, member_bomb, zip_with_broken_members
from tests.slack.conftest import ADMIN, BRIEF_CHANNEL, SlackWorld

# One bomb per world: an editor may import twice a minute (the per-user cooldown).
BOMBS: list[tuple[str, Callable[[], bytes], tuple[str, ...]]] = [
    ("alias-bomb.md", alias_bomb, ("alias-bomb.md: YAML aliases are not allowed",)),
    (
        "members.zip",
        member_bomb,
        ("members.zip: files add up to 524,288,000 bytes uncompressed",),
    ),
    (
        "broken.zip",
        zip_with_broken_members,
        (
            "bad-crc.md: cannot be read from the zip: its checksum (CRC) does not match",
            "locked.md: is encrypted; zip the files without a password",
            "deflate64.md: uses a compression method that is not supported; use Deflate",
        ),
    ),
]


@pytest.mark.parametrize(("name", "make", "lines"), BOMBS, ids=[b[0] for b in BOMBS])
async def test_a_bomb_shared_in_slack_is_refused_with_a_line_each(
    world: SlackWorld, name: str, make: Callable[[], bytes], lines: tuple[str, ...]
) -> None:
    world.standin.share_file("F0BOMB0001", name, make(), user=ADMIN, channel=BRIEF_CHANNEL)
    before = await world.app.service.count()

    answer = await world.command(ADMIN, "import F0BOMB0001")

    for line in lines:
        assert line in answer.text
    assert "Nothing was imported" in answer.text and "error id" not in answer.text
    assert await world.app.service.count() == before

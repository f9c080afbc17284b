"""Import bombs through Slack's ``/brief import``: the same refusals as on Discord and the CLI
(the upload is parsed by the same core, off the event loop)."""

from __future__ import annotations

from tests.reliability.bombs import alias_bomb, member_bomb, zip_with_broken_members
from tests.slack.conftest import ADMIN, SlackWorld


async def test_bombs_shared_in_slack_are_refused_with_a_line_each(world: SlackWorld) -> None:
    world.standin.files["F0ALIAS001"] = ("alias-bomb.md", alias_bomb())
    world.standin.files["F0MEMBERS1"] = ("members.zip", member_bomb())
    world.standin.files["F0BROKEN01"] = ("broken.zip", zip_with_broken_members())
    before = await world.app.service.store.count()

    alias = await world.command(ADMIN, "import F0ALIAS001")
    members = await world.command(ADMIN, "import F0MEMBERS1")
    broken = await world.command(ADMIN, "import F0BROKEN01")

    assert "alias-bomb.md: YAML aliases are not allowed" in alias.text
    assert "members.zip: files add up to 524,288,000 bytes uncompressed" in members.text
    for line in (
        "bad-crc.md: cannot be read from the zip: its checksum (CRC) does not match",
        "locked.md: is encrypted; zip the files without a password",
        "deflate64.md: uses a compression method that is not supported; use Deflate",
    ):
        assert line in broken.text
    for answer in (alias, members, broken):
        assert "Nothing was imported" in answer.text and "error id" not in answer.text
    assert await world.app.service.store.count() == before

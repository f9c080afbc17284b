"""``briefbot run --shards … --shard-count …``: a mistyped shard range is one line, and
nothing connects."""

from __future__ import annotations

import pytest

from .conftest import Cli


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--shards", "0-3"],
            "briefbot: --shards needs --shard-count: the total number of shards of the bot.",
        ),
        (
            ["--shards", "6-8", "--shard-count", "8"],
            "briefbot: Shard 8 does not exist with 8 shard(s): they are 0 to 7.",
        ),
        (
            ["--shards", "3-1", "--shard-count", "8"],
            "briefbot: '3-1' counts down; write the lower shard first.",
        ),
        (
            ["--shards", "all", "--shard-count", "8"],
            "briefbot: 'all' is not a list of shards; write e.g. 0-3 or 0,2,5 (numbers from 0).",
        ),
        (
            ["--shard-count", "0"],
            "briefbot: The shard count must be between 1 and 65536.",
        ),
    ],
)
def test_a_bad_shard_range_is_one_line_and_nothing_runs(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, argv: list[str], line: str
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "never-used")
    monkeypatch.delenv("DISCORD_SHARD_COUNT", raising=False)

    code, out, err = cli("run", *argv)

    assert (code, out, err.splitlines()) == (1, "", [line])

"""Platforms load lazily: a Slack-only run never imports discord.py, and the other way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from bot import platforms, runner
chosen = [platform.name for platform, _ in platforms.configured()]
if "slack" in chosen:
    import bot.adapters.slack.run  # what running Slack imports
if "discord" in chosen:
    import bot.adapters.discord.client  # what running Discord imports
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"chosen": chosen, "loaded": loaded}))
"""


def probe(tmp_path: Path, **env: str) -> dict[str, list[str]]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,  # no .env of the checkout
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, list[str]] = json.loads(result.stdout)
    return answer


@pytest.mark.parametrize(
    ("env", "chosen", "absent"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, ["slack"], "discord"),
        ({"DISCORD_TOKEN": "a.b.c"}, ["discord"], "slack_bolt"),
        ({}, [], "discord"),
    ],
)
def test_only_the_configured_platforms_are_imported(
    tmp_path: Path, env: dict[str, str], chosen: list[str], absent: str
) -> None:
    answer = probe(tmp_path, **env)
    assert answer["chosen"] == chosen
    assert absent not in answer["loaded"]


def test_each_platform_reads_its_own_prefixed_settings(tmp_path: Path) -> None:
    answer = probe(tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_MODE="http", SLACK_SIGNING_SECRET="s")
    assert answer["chosen"] == ["slack"]  # http mode needs the signing secret, not the app token


def test_a_dotenv_file_still_configures_discord(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=a.b.c\nDISCORD_API_BASE_URL=\n")
    assert probe(tmp_path)["chosen"] == ["discord"]

"""``deploy/compose.yml`` (PostgreSQL and three sharded bot processes) is a file Docker Compose
accepts, and its processes split the shards between them without a gap or an overlap."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from bot.domain.shards import ShardSpec

from .conftest import REPO

COMPOSE = REPO / "deploy" / "compose.yml"


def compose_command() -> list[str] | None:
    """``docker compose`` (the plugin) or the older ``docker-compose``, whichever works."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    found = shutil.which("docker-compose")
    return [found] if found else None


def test_docker_compose_accepts_the_deployment() -> None:
    command = compose_command()
    if command is None:
        pytest.skip("Docker Compose is not installed (docker compose or docker-compose)")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "DISCORD_TOKEN": "t", "POSTGRES_PASSWORD": "p"}
    checked = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    # Without the secrets it refuses to start, naming what is missing.
    missing = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "-q"],
        env={"PATH": env["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode != 0
    assert "set DISCORD_TOKEN" in missing.stderr or "set POSTGRES_PASSWORD" in missing.stderr


def test_the_bot_processes_cover_every_shard_once() -> None:
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    bots = [s for name, s in services.items() if name.startswith("bot-")]
    specs = []
    for service in bots:
        args = service["command"]
        count = int(args[args.index("--shard-count") + 1])
        assert str(count) == service["environment"]["DISCORD_SHARD_COUNT"]
        specs.append(ShardSpec.parse(args[args.index("--shards") + 1], count))
    owned = sorted(i for spec in specs for i in spec.ids)
    assert owned == list(range(specs[0].count)), "each shard in exactly one process"
    assert sum(spec.syncs_commands for spec in specs) == 1

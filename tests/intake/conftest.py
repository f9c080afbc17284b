"""Intake fixtures: the local feed server, and the CLI with private addresses allowed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.conftest import Cli, env  # noqa: F401  (fixtures reused, not copied)
from tests.intake.server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer().running() as running:
        yield running


@pytest.fixture
def cli(
    env: dict[str, str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    monkeypatch.setenv("BRIEFBOT_INTAKE_ALLOW_PRIVATE", "1")
    return Cli(capsys)

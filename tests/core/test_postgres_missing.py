"""On a machine without PostgreSQL, its tests are skipped with one line saying how to install
it, and every other test still runs."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import REPO


def test_without_postgresql_its_tests_skip_with_one_install_line() -> None:
    env = {**os.environ, "BRIEFBOT_PG_BINDIR": "/nonexistent/postgresql/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/contract/test_app_state.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout[-2000:]
    assert [line for line in lines if "apt-get install postgresql" in line] == [
        "PostgreSQL tests skipped: PostgreSQL is not installed: apt-get install postgresql"
    ]
    assert "1 passed, 1 skipped" in lines[-1]

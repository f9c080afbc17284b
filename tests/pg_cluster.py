"""A throwaway PostgreSQL cluster for the tests (a pytest plugin, registered in conftest.py).

One cluster per test session, started with Debian's ``initdb``/``pg_ctl`` in a temporary
folder and listening on a unix socket there only (no TCP port to collide with anyone). The
schema is migrated once into a template database; each test gets a fresh database cloned from
it (``CREATE DATABASE … TEMPLATE``, a file copy) and dropped afterwards.

Running as root (CI, this machine), the server runs as the ``postgres`` user, which owns the
folder. Without PostgreSQL installed, every test that needs it is skipped with one line.

Fixtures: ``postgres_url`` (a fresh, migrated database per test) and ``postgres_cluster``.
Tests that use either get the ``postgres`` marker (``pytest -m "not postgres"`` leaves them
out); contract tests get it for their PostgreSQL variant only.
"""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.storage.postgres.database import open_postgres
from bot.storage.url import parse_database_url

INSTALL_HINT = "PostgreSQL is not installed: apt-get install postgresql"
TEMPLATE = "briefbot_template"
_names = itertools.count(1)


def find_bindir() -> Path | None:
    """Where ``pg_ctl`` lives: ``BRIEFBOT_PG_BINDIR``, on PATH, ``pg_config --bindir``, or
    Debian's versioned folder."""
    chosen = os.environ.get("BRIEFBOT_PG_BINDIR")
    if chosen is not None:
        return Path(chosen) if (Path(chosen) / "pg_ctl").is_file() else None
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        # Often a symlink into the versioned folder, where initdb and psql live too.
        candidates.append(str(Path(on_path).resolve().parent))
    if shutil.which("pg_config"):
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        candidates.append(found)
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and all((Path(folder) / tool).is_file() for tool in ("pg_ctl", "initdb", "psql")):
            return Path(folder)
    return None


@dataclass(frozen=True)
class Cluster:
    bindir: Path
    socket_dir: Path

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser in the ``postgres`` database."""
        subprocess.run(
            [
                str(self.bindir / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                statement,
            ],
            check=True,
            capture_output=True,
        )


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


_skipped: list[str] = []


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    bindir = find_bindir()
    # initdb refuses to run as root: the server runs as postgres, which must own its folder.
    owner = "postgres" if os.geteuid() == 0 else None
    if bindir is None or (owner and not _user_exists(owner)):
        _skipped.append(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="briefbot-pg-"))
    if owner:
        shutil.chown(root, owner, owner)
    data = root / "data"

    def run(command: list[str]) -> None:
        subprocess.run(_as_owner(command, owner), check=True, capture_output=True, text=True)

    try:
        run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        # Durability is not what the tests check: skip fsync for speed; no TCP listener.
        options = (
            f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        )
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {error.stderr or error.stdout}")
    cluster = Cluster(bindir, root)
    try:
        cluster.sql(f"CREATE DATABASE {TEMPLATE}")
        _migrate(cluster.url(TEMPLATE))
        yield cluster
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _migrate(url: str) -> None:
    """Migrate the template once (on a thread: a test's event loop may be running)."""

    async def migrate() -> None:
        database = await open_postgres(parse_database_url(url))
        await database.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate()).result()


def new_database(cluster: Cluster, *, migrated: bool = True) -> str:
    """A fresh database, migrated (cloned from the template) or empty; its name."""
    name = f"briefbot_test_{os.getpid()}_{next(_names)}"
    cluster.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
    return name


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A migrated database of the test's own on the throwaway cluster, dropped afterwards."""
    name = new_database(postgres_cluster)
    try:
        yield postgres_cluster.url(name)
    finally:
        postgres_cluster.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need PostgreSQL ``postgres`` (parametrised ones: the variant whose
    parameter is ``"postgres"``, as the contract suite's backends)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        uses = "postgres_url" in names or "postgres_cluster" in names
        if uses or "postgres" in params.values():
            item.add_marker(pytest.mark.postgres)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The one line that says why the PostgreSQL tests were skipped and how to run them."""
    if _skipped:
        terminalreporter.write_line(f"PostgreSQL tests skipped: {_skipped[0]}")

"""A tiny run of every benchmark so ``make bench`` never rots (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import generate, synth
from bot.domain.validation import validate_entry
from bot.domain.vocabulary import Vocabulary
from tests.pg_cluster import find_bindir

ROOT = Path(__file__).resolve().parents[2]
FIGURES = (
    "latest_ratio",
    "search_ratio",
    "search_command_p99_ms",
    "reader_flood_loop_lag_p99_ms",
    "import_ratio",
    "fanout_ratio",
    "fanout_3proc_ratio",
    "memory_per_1k_servers_mib",
    "memory_ratio",
    "ready_s",
    "ready_100k_schedules_s",
    "memory_100k_schedules_mb",
    "intake_poll_s",
    "intake_repoll_s",
    "intake_poll_one_new_s",
    "intake_fetch_ratio",
    "extract_items_per_s",
    "cluster_100k_s",
)
# Measured when PostgreSQL is installed (the step says so and is skipped otherwise).
POSTGRES_FIGURES = ("pg_search_p99_ms", "pg_latest_ratio")


def test_synthetic_documents_pass_the_products_validation() -> None:
    for _, doc, _ in synth.documents(0, 300, 300):
        validate_entry(doc, Vocabulary(), synth.NOW.date())


def test_synthetic_archive_is_deterministic() -> None:
    first = synth.batch(0, 50, 1000)
    again = synth.batch(0, 50, 1000)
    assert first == again
    # Any slice is the same as the matching part of a longer run.
    assert synth.batch(20, 30, 1000)[0] == first[0][20:30]


@pytest.mark.timeout(600)
def test_a_small_bench_run_reports_every_figure(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    doc = tmp_path / "benchmarks.md"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--entries",
            "2000",
            "--import-entries",
            "500",
            "--servers",
            "20",
            "--intake-feeds",
            "10",
            "--intake-items",
            "5",
            "--cluster-items",
            "500",
            "--quick",
            "--results",
            str(results),
            "--doc",
            str(doc),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    printed = {line["name"] for line in lines}
    report = json.loads(results.read_text())
    expected = set(FIGURES) | (set(POSTGRES_FIGURES) if find_bindir() else set())
    assert expected <= printed <= set(report["results"])
    assert report["machine"]["cores"] and report["date"]
    assert report["results"]["fanout_ratio"]["duplicates"] == 0
    flood = report["results"]["reader_flood_loop_lag_p99_ms"]
    assert flood["outcomes"]["autocomplete"] == flood["waves"] * flood["per_wave"] // 2
    assert flood["outcomes"].get("search_other", 0) == 0
    assert "| `latest_ratio` |" in doc.read_text()
    assert generate.archive_path(2000).exists()

"""The results table in ``docs/benchmarks.md`` (between the two marker comments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
ROWS = (
    ("latest_ratio", "`/brief latest` ÷ no-op command (callback latency)"),
    ("search_ratio", "store search ÷ plain sqlite3 FTS5 (worst of 6 queries)"),
    ("search_command_p99_ms", "`/brief search` p99 of the slowest of the 6 queries, ms"),
    ("search_top6_overlap", "top 6 shared with FTS5 bm25's (worst typical query)"),
    (
        "reader_flood_loop_lag_p99_ms",
        "event-loop lag under 50 concurrent worst-case autocompletes + searches, ms",
    ),
    ("import_ratio", "importer ÷ raw executemany"),
    ("fanout_ratio", "digest fan-out ÷ requests at 50/s"),
    ("memory_ratio", "bot RSS idle ÷ bare discord.py bot RSS"),
    ("ready_s", "process start → serving commands, s"),
    ("ready_100k_schedules_s", "the same with 100,000 digest schedules, s"),
    ("memory_100k_schedules_mb", "bot RSS idle with 100,000 digest schedules, MiB"),
    ("pg_search_p99_ms", "PostgreSQL: `/brief search` p99 over the 6 queries, ms"),
    ("pg_latest_ratio", "PostgreSQL: `/brief latest` ÷ no-op command"),
)


def _cell(value: Any) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def table(document: dict[str, Any]) -> str:
    results: dict[str, dict[str, Any]] = document["results"]
    machine = document["machine"]
    lines = [
        f"Run {document['date']} · {document['entries']:,} entries"
        f"{' · quick' if document.get('quick') else ''} · {machine['cpu']} × {machine['cores']}"
        f" · Python {machine['python']} · SQLite {machine['sqlite']}"
        f" · load average at the end {machine['load_average']}",
        "",
        *([document["note"], ""] if document.get("note") else []),
        "| figure | what | p50 | p99 | samples | load (1 min) | target | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, what in ROWS:
        found = results.get(name)
        if found is None:
            continue
        met = {True: "yes", False: "**no**", None: "–"}[found.get("met")]
        # The load average when the figure was taken (a busy machine moves every timing).
        load = found.get("load_average") or found.get("measured", {}).get("load_average")
        samples = found.get("samples", found.get("n"))
        lines.append(
            f"| `{name}` | {what} | {_cell(found.get(name + '_p50', found['value']))}"
            f" | {_cell(found.get(name + '_p99'))} | {_cell(samples)}"
            f" | {_cell(load[0] if load else None)} | {found['target']} | {met} |"
        )
    total = results.get("total_s")
    if total is not None:
        lines += ["", f"`make bench` took {total['value']:.0f} s"]
        generated = results.get("generate_s")
        if generated is not None:
            lines[-1] += f" (of which {generated['value']:.0f} s generating the archive)"
        lines[-1] += "."
    return "\n".join(lines)


def write_markdown(path: Path, document: dict[str, Any]) -> None:
    """Replace the table between the markers (or append one) in ``path``."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{table(document)}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")

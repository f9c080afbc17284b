"""Brief files: one entry per Markdown file with YAML front matter (see briefs/README.md)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.entries import EntryContent
from bot.safe_yaml import ParseBudget, load_untrusted
from bot.storage.codec import content_dict

MAX_FILE_BYTES = 256 * 1024
SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
SKIPPED_NAMES = frozenset({"readme.md"})


@dataclass(frozen=True, slots=True)
class BriefDocument:
    """A parsed brief file: its name (for messages) and the raw entry fields."""

    name: str
    fields: Mapping[str, Any]


@dataclass(slots=True)
class ReadResult:
    documents: list[BriefDocument] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def find_brief_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Expand folders into their brief files (sorted); report paths that are not usable."""
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in SUFFIXES
                and p.name.lower() not in SKIPPED_NAMES
                and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return found, problems


def read_brief_files(paths: Iterable[Path]) -> ReadResult:
    """Read and parse every file, collecting every problem rather than stopping at one."""
    files, problems = find_brief_files(paths)
    result = ReadResult(problems=problems)
    for path in files:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ValueError(f"file is {size:,} bytes; at most {MAX_FILE_BYTES:,} allowed")
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            result.documents.append(parse_brief(str(path), data))
        except (OSError, ValueError) as error:
            result.problems.append(f"{path}: {error}")
    return result


def parse_brief(name: str, data: bytes, budget: ParseBudget | None = None) -> BriefDocument:
    """Parse one brief file's bytes; raises ValueError with a readable reason.

    ``budget`` is what the whole upload may still spend (see :mod:`bot.safe_yaml`); every file
    is capped on its own anyway.
    """
    from bot import yaml_reader  # PyYAML loads with the first file read, not at start-up

    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"file is over {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("file is not UTF-8 text") from None
    try:
        if Path(name).suffix.lower() in (".yaml", ".yml"):
            fields: Any = load_untrusted(text, budget)
        else:
            fields, body = yaml_reader.front_matter(text, budget)
            if fields and body.strip():
                fields["body"] = body.strip()
    except yaml_reader.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ValueError(f"malformed YAML{where}") from None
    if not isinstance(fields, dict) or not fields:
        raise ValueError("no front matter: the file must start with '---' and YAML fields")
    return BriefDocument(name, {str(key): value for key, value in fields.items()})


def render_brief(content: EntryContent) -> str:
    """The file text for an entry, in the format :func:`parse_brief` reads."""
    fields = content_dict(content)
    body = fields.pop("body")
    if fields["reported_at"] is None:
        del fields["reported_at"]
    if fields["event_date_basis"] == "source":
        del fields["event_date_basis"]
    for source in fields["sources"]:
        for key in ("url", "published"):
            if source[key] is None:
                del source[key]
    for figure in fields["figures"]:
        for key in ("value", "high"):
            if key in figure and float(figure[key]).is_integer():
                figure[key] = int(figure[key])
        for key in ("unit", "relays"):
            if not figure[key]:
                del figure[key]
    if not fields["figures"]:
        del fields["figures"]
    from bot import yaml_reader

    front = yaml_reader.dump(fields)
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"


def write_brief(folder: Path, content: EntryContent) -> Path:
    """Write one entry to ``folder/<slug>.md`` atomically (temp file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{content.slug}.md"
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(render_brief(content))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target

"""YAML from untrusted brief files: the safe loader, with bombs defused before anything is built.

PyYAML's safe loader keeps aliases as shared references, so 700 bytes of nested aliases are a
structure of billions of values as soon as anything walks it (validation, ``str()``, JSON).
Brief files never need anchors, aliases or tags, so they are refused outright; the number of
values and the nesting depth are capped too, so that a file's size bounds the work done on it.
The parser's events are checked before composing: cheap (under a microsecond a value with the
C parser), and nothing is built for a refused file.

PyYAML itself is imported with the first file read (:mod:`bot.yaml_reader`): a bot that
never reads a brief file does not load it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

MAX_NODES = 10_000  # a full entry (10 sources, 25 figures) has about 350
MAX_DEPTH = 32  # a brief file needs 3 (fields → sources → a source)
ALIASES_REFUSED = "YAML aliases are not allowed"
TAGS_REFUSED = "YAML tags (such as !!int) are not allowed"


class BudgetExhausted(Exception):
    """An upload spent its whole budget (values or time): the rest of it is not read.

    Not a ValueError on purpose: a problem with one file is reported and the next one read,
    but this stops the whole upload. The message is safe to show to the uploader.
    """


@dataclass(slots=True)
class ParseBudget:
    """What one upload may still spend across all its files: YAML values, and time.

    ``deadline`` is a ``time.monotonic()`` instant; parsing runs in a worker thread that cannot
    be killed, so the parser itself checks the clock and gives up.
    """

    nodes: int
    deadline: float

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExhausted("took too long to read; upload fewer or smaller files")

    def spend(self, nodes: int) -> None:
        self.nodes -= nodes
        if self.nodes < 0:
            raise BudgetExhausted("holds too many YAML values in all; split it into smaller ones")


def load_untrusted(text: str, budget: ParseBudget | None = None) -> Any:
    """The YAML in ``text``; raises ValueError for a refused one, YAMLError if malformed."""
    from bot import yaml_reader

    return yaml_reader.load_untrusted(text, budget)

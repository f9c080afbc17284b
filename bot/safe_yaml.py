"""YAML from untrusted brief files: the safe loader, with bombs defused before anything is built.

PyYAML's safe loader keeps aliases as shared references, so 700 bytes of nested aliases are a
structure of billions of values as soon as anything walks it (validation, ``str()``, JSON).
Brief files never need anchors, aliases or tags, so they are refused outright; the number of
values and the nesting depth are capped too, so that a file's size bounds the work done on it.
The parser's events are checked before composing: cheap (under a microsecond a value with the
C parser), and nothing is built for a refused file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

MAX_NODES = 10_000  # a full entry (10 sources, 25 figures) has about 350
MAX_DEPTH = 32  # a brief file needs 3 (fields → sources → a source)
ALIASES_REFUSED = "YAML aliases are not allowed"
TAGS_REFUSED = "YAML tags (such as !!int) are not allowed"
_TIME_CHECK_EVERY = 1024  # values between deadline checks: a clock read per value would cost


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


class BriefLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, except that an impossible date (``2024-02-30``) stays text.

    PyYAML raises a bare ValueError for such dates, which would hide the field's name and
    every other problem in the file; as text, validation reports it against its field.
    """


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


BriefLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_untrusted(text: str, budget: ParseBudget | None = None) -> Any:
    """The YAML in ``text``; raises ValueError for a refused one, YAMLError if malformed."""
    _check_events(text, budget)
    return yaml.load(text, Loader=BriefLoader)


def _check_events(text: str, budget: ParseBudget | None = None) -> None:
    """Refuse anchors and aliases, more than MAX_NODES values or MAX_DEPTH levels of nesting."""
    parser = BriefLoader(text)
    nodes = depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, CollectionEndEvent):
                depth -= 1
            if not isinstance(event, NodeEvent):
                continue
            if isinstance(event, AliasEvent) or event.anchor is not None:
                raise ValueError(ALIASES_REFUSED)
            if getattr(event, "tag", None) is not None:
                # PyYAML's constructors meet a mistagged value (``!!bool title``, ``!!int x``)
                # with bare KeyError/ValueError/TypeError; brief files never need tags.
                raise ValueError(TAGS_REFUSED)
            nodes += 1
            if nodes > MAX_NODES:
                raise ValueError(f"has too many YAML values (at most {MAX_NODES:,})")
            if budget is not None and nodes % _TIME_CHECK_EVERY == 0:
                budget.check_time()
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ValueError(f"YAML is nested over {MAX_DEPTH} levels deep")
    finally:
        parser.dispose()
    if budget is not None:
        budget.spend(nodes)

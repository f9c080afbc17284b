"""PyYAML and python-frontmatter for brief files, imported when the first file is read.

The rules (no anchors, aliases or tags; capped values and depth) are :mod:`bot.safe_yaml`'s;
this module applies them with PyYAML's parser and builds the values.
"""

from __future__ import annotations

from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml import YAMLError
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

from bot.safe_yaml import ALIASES_REFUSED, MAX_DEPTH, MAX_NODES, TAGS_REFUSED, ParseBudget

__all__ = ["YAMLError", "dump", "front_matter", "load_untrusted"]

_TIME_CHECK_EVERY = 1024  # values between deadline checks: a clock read per value would cost


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


class _FrontMatter(YAMLHandler):
    """python-frontmatter's YAML handler, reading with :func:`load_untrusted`."""

    def __init__(self, budget: ParseBudget | None) -> None:
        super().__init__()
        self.budget = budget

    def load(self, fm: str, **kwargs: object) -> Any:
        fields = load_untrusted(fm, self.budget)
        if isinstance(fields, dict):  # python-frontmatter passes the keys as **kwargs: text only
            return {str(key): value for key, value in fields.items()}
        return fields


def front_matter(text: str, budget: ParseBudget | None) -> tuple[dict[str, Any], str]:
    """A Markdown brief's fields (its YAML front matter) and its body text."""
    post = frontmatter.loads(text, handler=_FrontMatter(budget))
    return dict(post.metadata), post.content


def dump(fields: dict[str, Any]) -> str:
    """Fields as the YAML front matter of a brief file."""
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100)

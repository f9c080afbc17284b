"""Typed settings read from the environment and a git-ignored ``.env`` file.

A settings class is a frozen :class:`msgspec.Struct` whose encoded field names are the
variables' names (its ``rename``). :meth:`EnvSettings.from_env` gathers those variables —
keyword overrides, then the environment, then ``.env``, then the defaults — turns the text
into the field's type, and lets msgspec check types and bounds (``Meta(ge=…)``).

Why not pydantic-settings: pydantic is 11 MiB of an idle bot (``memory_ratio`` in
``docs/benchmarks.md``); msgspec and python-dotenv together cost about 1.3 MiB.
"""

from __future__ import annotations

import os
import re
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self, Union, get_args, get_origin

import msgspec
from dotenv import dotenv_values

from bot.domain.errors import NotConfigured

ENV_FILE = Path(".env")
TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE = frozenset({"0", "false", "no", "off", "n", "f"})
# A blank variable (``VAR=`` in .env): the setting keeps its default.
_UNSET = object()

# msgspec's wording → what an operator reads next to the variable's name.
_WORDING = (
    (re.compile(r", got `[^`]*`"), ""),
    (re.compile(r"(\w+) \| null"), r"\1"),
    (re.compile(r"Expected `int`"), "expected a whole number"),
    (re.compile(r"Expected `float`"), "expected a number"),
    (re.compile(r"Expected `bool`.*"), "expected true or false (1/0, yes/no, on/off)"),
    (re.compile(r"Expected `(array|tuple)`.*"), "expected a JSON list"),
)


class Secret:
    """A value kept out of reprs, logs and error messages (tokens, a URL with a password)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(NotConfigured):
    """A variable whose text does not fit its setting. The sentence names the variable,
    never its value (it may be a secret)."""


def prefixed(prefix: str, **own_names: str) -> Callable[[str], str]:
    """A msgspec ``rename``: the variable of ``field`` is ``prefix + FIELD``, unless it has
    its own name in ``own_names`` (``db_path`` → ``BRIEFBOT_DB``)."""
    return lambda field: own_names.get(field, prefix + field.upper())


class EnvSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every settings class (the core's and each platform's)."""

    # Checks a type cannot say, by field name: text in, value out, ValueError(sentence) if bad.
    parsers: ClassVar[Mapping[str, Callable[[str], object]]] = {}

    @classmethod
    def from_env(cls, env_file: Path | None = ENV_FILE, **overrides: object) -> Self:
        """The settings from ``overrides`` (by variable name), the environment, ``env_file``
        and the defaults, in that order. Raises :class:`SettingsError` (one sentence)."""
        fields = msgspec.structs.fields(cls)
        unknown = set(overrides) - {field.encode_name for field in fields}
        if unknown:  # a typo in code would otherwise be silently ignored
            raise TypeError(f"{cls.__name__} has no variable {', '.join(sorted(unknown))}")
        dotenv = dotenv_values(env_file) if env_file is not None and env_file.is_file() else {}
        raw: dict[str, object] = {}
        for field in fields:
            name = field.encode_name
            source = next((s for s in (overrides, os.environ, dotenv) if name in s), {})
            value = source.get(name)
            if isinstance(value, str):
                value = _from_text(cls, field, value)
            if value is not _UNSET and (value is not None or source is overrides):
                raw[name] = value
        try:
            return msgspec.convert(raw, cls, strict=False, dec_hook=_decode)
        except msgspec.ValidationError as error:
            raise SettingsError(_sentence(str(error))) from None

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields (by field name) changed, as a test or a command needs."""
        return msgspec.structs.replace(self, **changes)


def _from_text(cls: type[EnvSettings], field: msgspec.structs.FieldInfo, text: str) -> object:
    """The value for msgspec from a variable's text; blank means "not set" (``VAR=`` in
    ``.env``), so the default applies."""
    text = text.strip()
    if not text:
        return _UNSET
    parser = cls.parsers.get(field.name)
    if parser is not None:
        try:
            return parser(text)
        except ValueError as error:
            raise SettingsError(f"setting {field.encode_name}: {error}") from None
    kind = _bare(field.type)
    if kind is bool:
        lowered = text.lower()
        return True if lowered in TRUE else False if lowered in FALSE else text
    if get_origin(kind) in (tuple, list):
        try:
            return msgspec.json.decode(text)
        except msgspec.DecodeError:
            raise SettingsError(f"setting {field.encode_name}: expected a JSON list") from None
    return text


def _bare(annotation: Any) -> Any:
    """``Annotated[int, Meta(…)] | None`` → ``int``: the type the text must become."""
    if get_origin(annotation) is Annotated:
        return _bare(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _bare(rest[0]) if len(rest) == 1 else annotation
    return annotation


def _decode(kind: type, value: object) -> object:
    """msgspec's hook for the types it does not know (a path, a secret) given as text."""
    if kind in (Path, Secret):
        if isinstance(value, kind):  # given as an object (an override): kept as it is
            return value
        if isinstance(value, str):
            return kind(value)
    raise NotImplementedError


def _sentence(message: str) -> str:
    """``Expected `int` >= 0 - at `$.BRIEFBOT_X``` → ``setting BRIEFBOT_X: expected a whole
    number >= 0``."""
    problem, _, where = message.rpartition(" - at `$.")
    if not where:
        return f"settings: {message}"
    for pattern, wording in _WORDING:
        problem = pattern.sub(wording, problem)
    return f"setting {where.rstrip('`')}: {problem}"

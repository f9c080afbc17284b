"""Request-body validation against Discord's OpenAPI spec plus the limits it does not state.

The spec (``shared/discord-api-spec/openapi.json``, 1.2 MB) is loaded once per process and the
per-operation validators are built lazily and cached, so starting a stand-in stays fast.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from jsonschema.exceptions import ValidationError, best_match
from referencing.jsonschema import DRAFT202012

JSON = dict[str, Any]
SPEC_URI = "urn:discord:openapi"

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_CHOICES = 25
MAX_MODAL_INPUTS = 5
MAX_TEXT_INPUT_VALUE = 4000
MAX_COMMAND_OPTIONS = 25
LINK_SCHEMES = ("http://", "https://", "discord://")

# Where the spec disagrees with what Discord (and discord.py) actually do, we validate against a
# corrected schema rather than flag correct traffic. Each entry says why.
SCHEMA_OVERRIDES: dict[tuple[str, str], JSON] = {
    # The spec types allow/deny as integers; Discord documents them as strings of digits and
    # discord.py sends strings (abc.GuildChannel.set_permissions).
    ("PUT", "/channels/{channel_id}/permissions/{overwrite_id}"): {
        "type": "object",
        "properties": {
            "type": {"enum": [0, 1, None]},
            "allow": {"type": ["string", "integer", "null"], "pattern": "^[0-9]+$"},
            "deny": {"type": ["string", "integer", "null"], "pattern": "^[0-9]+$"},
            "id": {"type": ["string", "integer"]},
        },
    },
}


@dataclass
class Violation:
    """Something the bot sent that real Discord would refuse (or that the stand-in lacks)."""

    kind: str  # "schema", "limit" or "unknown_route"
    method: str
    path: str
    template: str | None
    problems: list[str]
    body: Any = None

    def __str__(self) -> str:
        body = json.dumps(self.body, default=str)
        if len(body) > 600:
            body = body[:600] + "…"
        lines = [f"[{self.kind}] {self.method} {self.path} ({self.template or 'no route'})"]
        lines += [f"    - {p}" for p in self.problems]
        lines.append(f"    body: {body}")
        return "\n".join(lines)


@dataclass
class ValidationResult:
    """Problems found in one request body, with a Discord-style ``errors`` tree."""

    problems: list[str] = field(default_factory=list)
    errors: JSON = field(default_factory=dict)
    kind: str = "schema"

    def add(self, path: Iterable[str | int], code: str, message: str) -> None:
        """Record one problem at ``path`` inside the body."""
        parts = [str(x) for x in path]
        self.problems.append(f"{'.'.join(parts) or '<body>'}: {message}")
        node = self.errors
        for part in parts:
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.problems)


def spec_path() -> Path:
    """The openapi.json location: ``$DISCORD_OPENAPI_SPEC`` or ``shared/`` beside the repo."""
    override = os.environ.get("DISCORD_OPENAPI_SPEC")
    if override:
        return Path(override)
    return (
        Path(__file__).resolve().parents[3].parent / "shared" / "discord-api-spec" / "openapi.json"
    )


@functools.cache
def _spec() -> JSON:
    with spec_path().open(encoding="utf-8") as fh:
        spec: JSON = json.load(fh)
    # Discord parses snowflakes given as JSON integers too, and discord.py sends upload
    # attachment ids as integers (0, 1, …); the spec's string-only SnowflakeType would flag
    # correct traffic. The pattern still applies to strings.
    snowflake = spec["components"]["schemas"]["SnowflakeType"]
    snowflake["type"] = ["string", "integer"]
    snowflake.pop("format", None)
    return spec


@functools.cache
def _registry() -> referencing.Registry[Any]:
    resource = referencing.Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(SPEC_URI, resource)
    return registry


def _pointer_escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


@functools.cache
def _validator(method: str, template: str, content_type: str) -> jsonschema.Draft202012Validator:
    override = SCHEMA_OVERRIDES.get((method, template))
    if override is not None:
        return jsonschema.Draft202012Validator(override)
    operation = _spec()["paths"][template][method.lower()]
    content = operation["requestBody"]["content"]
    if content_type not in content:
        content_type = "application/json"
    pointer = "/".join(
        _pointer_escape(p)
        for p in ("paths", template, method.lower(), "requestBody", "content", content_type)
    )
    schema = {"$ref": f"{SPEC_URI}#/{pointer}/schema"}
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def has_request_body(method: str, template: str) -> bool:
    """Whether the spec describes a request body for this operation."""
    if (method, template) in SCHEMA_OVERRIDES:
        return True
    operation = _spec().get("paths", {}).get(template, {}).get(method.lower(), {})
    return "requestBody" in operation


def warm_up() -> None:
    """Load the spec once (tests call this so the first request is not the slow one)."""
    _registry()


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The specific errors behind ``error`` (anyOf/oneOf failures nest them in ``context``)."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    # A branch whose JSON type does not match, or that fails on the "type" discriminator, is
    # not the one the sender meant; report the errors of the branch that remains.
    plausible = [
        errs
        for errs in branches.values()
        if not any(
            list(e.relative_path) == ["type"] or (e.validator == "type" and not e.relative_path)
            for e in errs
        )
    ]
    if len(plausible) == 1:
        return [leaf for sub in plausible[0] for leaf in _leaves(sub)]
    return _leaves(best_match(error.context))


def _short(error: ValidationError) -> str:
    # jsonschema repeats the whole offending value; a 6000-character embed is not readable.
    if error.validator in ("maxLength", "maxItems", "minLength"):
        size = len(error.instance) if isinstance(error.instance, (str, list)) else "?"
        return f"{error.validator} {error.validator_value} exceeded (got {size})"
    return str(error.message)[:300]


def _code_for(error: ValidationError) -> str:
    return {
        "maxLength": "BASE_TYPE_MAX_LENGTH",
        "minLength": "BASE_TYPE_MIN_LENGTH",
        "maxItems": "BASE_TYPE_MAX_LENGTH",
        "required": "BASE_TYPE_REQUIRED",
        "type": "BASE_TYPE_BAD_TYPE",
        "enum": "BASE_TYPE_CHOICES",
    }.get(str(error.validator), "BASE_TYPE_INVALID")


def validate_body(
    method: str, template: str, body: Any, *, multipart: bool = False
) -> ValidationResult:
    """Validate ``body`` against the spec's request schema, then the unstated limits."""
    result = ValidationResult()
    if has_request_body(method, template):
        content_type = "multipart/form-data" if multipart else "application/json"
        validator = _validator(method, template, content_type)
        for error in validator.iter_errors(body):
            for leaf in _leaves(error):
                result.add(leaf.absolute_path, _code_for(leaf), _short(leaf))
    if not result:
        for path, message in extra_limit_problems(method, template, body):
            result.kind = "limit"
            result.add(path, "BASE_TYPE_BAD_LENGTH", message)
    return result


# --- limits the spec does not express -------------------------------------------------------

MESSAGE_BODY_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
}
CALLBACK_ROUTE = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
COMMANDS_ROUTES = {
    ("PUT", "/applications/{application_id}/commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
}

Problem = tuple[list[str | int], str]


def extra_limit_problems(method: str, template: str, body: Any) -> list[Problem]:
    """Problems with limits Discord enforces but the OpenAPI spec does not state."""
    if not isinstance(body, (dict, list)):
        return []
    key = (method, template)
    if key in MESSAGE_BODY_ROUTES and isinstance(body, dict):
        return message_problems(body, [])
    if key == CALLBACK_ROUTE and isinstance(body, dict):
        data = body.get("data") or {}
        kind = body.get("type")
        if kind in (4, 7) and isinstance(data, dict):
            return message_problems(data, ["data"])
        if kind == 8 and isinstance(data, dict):
            choices = data.get("choices") or []
            if len(choices) > MAX_CHOICES:
                return [(["data", "choices"], f"at most {MAX_CHOICES} choices, got {len(choices)}")]
        if kind == 9 and isinstance(data, dict):
            return modal_problems(data)
    if key in COMMANDS_ROUTES and isinstance(body, list):
        problems: list[Problem] = []
        for i, command in enumerate(body):
            problems += _option_count_problems(command, [i])
        return problems
    return []


def message_problems(data: JSON, prefix: list[str | int]) -> list[Problem]:
    """Content length, embed count and total, and link-button URL schemes."""
    problems: list[Problem] = []
    content = data.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        problems.append(
            ([*prefix, "content"], f"content is {len(content)} characters, at most {MAX_CONTENT}")
        )
    embeds = data.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems.append(([*prefix, "embeds"], f"at most {MAX_EMBEDS} embeds, got {len(embeds)}"))
    total = sum(embed_characters(e) for e in embeds if isinstance(e, dict))
    if total > MAX_EMBED_TOTAL:
        problems.append(
            ([*prefix, "embeds"], f"embeds total {total} characters, at most {MAX_EMBED_TOTAL}")
        )
    for path, component in walk_components(data.get("components") or [], [*prefix, "components"]):
        url = component.get("url")
        # The spec only says format "uri", which javascript: satisfies; Discord refuses it.
        bad = not isinstance(url, str) or not url.lower().startswith(LINK_SCHEMES)
        if component.get("type") == 2 and url is not None and bad:
            problems.append(([*path, "url"], f"link button URL scheme not allowed: {url!r}"))
    return problems


def embed_characters(embed: JSON) -> int:
    """Characters Discord counts towards the 6000 limit for one embed."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def walk_components(
    components: list[Any], prefix: list[str | int]
) -> Iterator[tuple[list[str | int], JSON]]:
    """Every component, nested ones included, with its path in the body."""
    for i, comp in enumerate(components):
        if not isinstance(comp, dict):
            continue
        path = [*prefix, i]
        yield path, comp
        if isinstance(comp.get("components"), list):
            yield from walk_components(comp["components"], [*path, "components"])
        if isinstance(comp.get("component"), dict):  # label (type 18) wraps one component
            yield from walk_components([comp["component"]], [*path, "component"])
        if isinstance(comp.get("accessory"), dict):
            yield from walk_components([comp["accessory"]], [*path, "accessory"])


def modal_problems(data: JSON) -> list[Problem]:
    """At most five text inputs, each value at most 4000 characters."""
    problems: list[Problem] = []
    inputs = [
        (path, c)
        for path, c in walk_components(data.get("components") or [], ["data", "components"])
        if c.get("type") == 4
    ]
    if len(inputs) > MAX_MODAL_INPUTS:
        problems.append(
            (["data", "components"], f"at most {MAX_MODAL_INPUTS} text inputs, got {len(inputs)}")
        )
    for path, c in inputs:
        value = c.get("value")
        if isinstance(value, str) and len(value) > MAX_TEXT_INPUT_VALUE:
            problems.append(([*path, "value"], f"value longer than {MAX_TEXT_INPUT_VALUE}"))
    return problems


def _option_count_problems(command: Any, path: list[str | int]) -> list[Problem]:
    if not isinstance(command, dict):
        return []
    options = command.get("options") or []
    problems: list[Problem] = []
    if len(options) > MAX_COMMAND_OPTIONS:
        problems.append(([*path, "options"], f"at most {MAX_COMMAND_OPTIONS} options"))
    for i, option in enumerate(options):
        problems += _option_count_problems(option, [*path, "options", i])
    return problems


# --- the bot's own policy: no message may ping ------------------------------------------------

SILENT_MENTIONS: JSON = {"parse": []}


def mention_problems(method: str, template: str, body: Any) -> list[Problem]:
    """Problems if a message-creating or -editing body could ping anyone.

    Discord accepts such bodies; the stand-in still records them (kind ``"mentions"``) so
    every test enforces the bot's rule that user text never pings: ``allowed_mentions`` must
    be present with ``parse: []`` and no user or role ids, on channel messages, interaction
    callbacks that carry a message (types 4 and 7), followups and edits of them.
    """
    key = (method, template)
    if key == CALLBACK_ROUTE and isinstance(body, dict):
        if body.get("type") not in (4, 7):
            return []
        data = body.get("data")
        return _mention_problems(data if isinstance(data, dict) else {}, ["data"])
    if key in MESSAGE_BODY_ROUTES and isinstance(body, dict):
        return _mention_problems(body, [])
    return []


def _mention_problems(data: JSON, prefix: list[str | int]) -> list[Problem]:
    allowed = data.get("allowed_mentions")
    where: list[str | int] = [*prefix, "allowed_mentions"]
    if not isinstance(allowed, dict):
        return [(where, "allowed_mentions missing: user text in this message could ping")]
    problems: list[Problem] = []
    if allowed.get("parse") != []:
        problems.append((where, f"parse must be [] (got {allowed.get('parse')!r})"))
    for name in ("users", "roles"):
        if allowed.get(name):
            problems.append(([*where, name], f"{name} may not be listed (got {allowed[name]!r})"))
    if allowed.get("replied_user"):
        problems.append(([*where, "replied_user"], "replied_user must not be true"))
    return problems

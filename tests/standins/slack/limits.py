"""Block Kit limits as Slack enforces them, checked on everything sent to the stand-in."""

from __future__ import annotations

import re
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
OPTION_TEXT = 75
OPTION_VALUE = 150
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
TEXT_INPUT_MAX = 3000
MESSAGE_BLOCK_TYPES = {"section", "header", "context", "divider", "actions", "image"}
MODAL_BLOCK_TYPES = MESSAGE_BLOCK_TYPES | {"input"}

# Anything that notifies people: @channel/@here/@everyone, a user or a user group.
PING = re.compile(r"<!(?:channel|here|everyone)\b|<@[UW][A-Z0-9]*|<!subteam\^")


def text_of(obj: dict[str, Any], where: str, problems: list[str], limit: int) -> str:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        problems.append(f"{where}: not a text object: {obj!r:.80}")
        return ""
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        problems.append(f"{where}: empty text")
        return ""
    if len(text) > limit:
        problems.append(f"{where}: text is {len(text)} characters; Slack allows {limit}")
    return text


def check_blocks(blocks: Any, where: str, *, modal: bool = False) -> list[str]:
    """Every limit a list of blocks breaks (empty when Slack would accept it)."""
    problems: list[str] = []
    if not isinstance(blocks, list):
        return [f"{where}: blocks is not a list"]
    most = MAX_MODAL_BLOCKS if modal else MAX_MESSAGE_BLOCKS
    if len(blocks) > most:
        problems.append(f"{where}: {len(blocks)} blocks; Slack allows {most}")
    allowed = MODAL_BLOCK_TYPES if modal else MESSAGE_BLOCK_TYPES
    for i, block in enumerate(blocks):
        at = f"{where}[{i}]"
        kind = block.get("type")
        if kind not in allowed:
            problems.append(f"{at}: block type {kind!r} not allowed here")
            continue
        if len(str(block.get("block_id", ""))) > 255:
            problems.append(f"{at}: block_id over 255")
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{at}: section without text or fields")
            if "text" in block:
                text_of(block["text"], at + ".text", problems, SECTION_TEXT)
            fields = block.get("fields", [])
            if len(fields) > MAX_FIELDS:
                problems.append(f"{at}: {len(fields)} fields; Slack allows {MAX_FIELDS}")
            for j, field in enumerate(fields):
                text_of(field, f"{at}.fields[{j}]", problems, FIELD_TEXT)
            if "accessory" in block:
                _element(block["accessory"], at + ".accessory", problems)
        elif kind == "header":
            if block.get("text", {}).get("type") != "plain_text":
                problems.append(f"{at}: header text must be plain_text")
            text_of(block.get("text", {}), at + ".text", problems, HEADER_TEXT)
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > CONTEXT_ELEMENTS:
                problems.append(f"{at}: {len(elements)} context elements (1–10 allowed)")
            for j, element in enumerate(elements):
                text_of(element, f"{at}.elements[{j}]", problems, SECTION_TEXT)
        elif kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > ACTIONS_ELEMENTS:
                problems.append(f"{at}: {len(elements)} action elements (1–25 allowed)")
            for j, element in enumerate(elements):
                _element(element, f"{at}.elements[{j}]", problems)
        elif kind == "input":
            text_of(block.get("label", {}), at + ".label", problems, 2000)
            _element(block.get("element", {}), at + ".element", problems)
    return problems


def _element(element: dict[str, Any], at: str, problems: list[str]) -> None:
    kind = element.get("type")
    if len(str(element.get("action_id", ""))) > ACTION_ID:
        problems.append(f"{at}: action_id over {ACTION_ID}")
    if kind == "button":
        if element.get("text", {}).get("type") != "plain_text":
            problems.append(f"{at}: button text must be plain_text")
        text_of(element.get("text", {}), at + ".text", problems, BUTTON_TEXT)
        if len(element.get("value", "")) > BUTTON_VALUE:
            problems.append(f"{at}: button value over {BUTTON_VALUE}")
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"{at}: bad button style")
        if "confirm" in element:
            c = element["confirm"]
            text_of(c.get("title", {}), at + ".confirm.title", problems, 100)
            text_of(c.get("text", {}), at + ".confirm.text", problems, 300)
            text_of(c.get("confirm", {}), at + ".confirm.confirm", problems, 30)
            text_of(c.get("deny", {}), at + ".confirm.deny", problems, 30)
    elif kind == "plain_text_input":
        most = element.get("max_length", TEXT_INPUT_MAX)
        if most > TEXT_INPUT_MAX:
            problems.append(f"{at}: max_length {most} over {TEXT_INPUT_MAX}")
        if len(element.get("initial_value", "")) > most:
            problems.append(f"{at}: initial_value longer than max_length")
    elif kind in ("static_select", "multi_static_select"):
        options = element.get("options", [])
        if not options or len(options) > 100:
            problems.append(f"{at}: {len(options)} options (1–100 allowed)")
        values = set()
        for j, option in enumerate(options):
            text_of(option.get("text", {}), f"{at}.options[{j}].text", problems, OPTION_TEXT)
            if len(option.get("value", "")) > OPTION_VALUE:
                problems.append(f"{at}.options[{j}]: value over {OPTION_VALUE}")
            values.add(option.get("value"))
        initial = element.get("initial_options", [])
        if "initial_option" in element:
            initial = [element["initial_option"]]
        if any(o.get("value") not in values for o in initial):
            problems.append(f"{at}: an initial option is not among the options")
    elif kind == "datepicker":
        pass
    else:
        problems.append(f"{at}: element type {kind!r} not expected")


def check_view(view: dict[str, Any]) -> list[str]:
    problems = check_blocks(view.get("blocks"), "view.blocks", modal=True)
    if view.get("type") != "modal":
        problems.append("view: type must be modal")
    for key in ("title", "submit", "close"):
        if key in view:
            text_of(view[key], f"view.{key}", problems, MODAL_TITLE)
    if len(view.get("private_metadata", "")) > PRIVATE_METADATA:
        problems.append("view: private_metadata over 3000")
    return problems


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """Every text Slack would parse for mentions: the fallback text and mrkdwn objects."""
    found = [message["text"]] if isinstance(message.get("text"), str) else []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return found

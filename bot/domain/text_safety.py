"""Characters that let entry text or a source address pretend to be something else.

Two kinds of spoofing reach readers through otherwise valid text:

* **hidden characters**: bidirectional controls (U+202E turns ``exe.pdf`` into ``fdp.exe``,
  U+2066–2069 isolate and reorder runs), zero-width characters (U+200B, U+2060, U+FEFF) that
  split words so filters and readers see different text, and blank fillers (the Hangul
  fillers render as nothing). Validation refuses them in every text field and address;
  renderers that cannot refuse (old records, the terminal) show them as ``\\u202e``.
* **link syntax in an address**: ``https://ok.example/x)[Official](https://evil.example``
  closes a Markdown link early and opens a second one. Validation refuses the characters
  that no web address needs unencoded; :func:`link_target` percent-encodes every character
  that could end a link in Markdown or Slack, so an address already stored stays one link.
"""

from __future__ import annotations

import unicodedata

# Blank "letters" (category Lo, so not caught by the format category) that render as nothing.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Combining grapheme joiner (Mn) is invisible as well; line/paragraph separators break lines
# in some clients while looking like nothing in others.
_INVISIBLE_OTHERS = frozenset("\u034f\u2028\u2029")
# The hidden characters that str.isprintable() accepts (it refuses every format character).
_PRINTABLE_HIDDEN = _BLANK_LETTERS | frozenset("\u034f")

# Characters a web address never needs unencoded (RFC 3986 excludes them) and that close or
# open links: Markdown ``[text](url)`` and Slack ``<url|text>``. IPv6 literal hosts would need
# brackets; no news source is addressed that way, so the clear refusal wins.
_URL_REFUSED = frozenset('[]<>|"`{}^\\')

# What :func:`link_target` percent-encodes: the above, parentheses (legal in addresses, e.g.
# Wikipedia's ``Foo_(bar)``, but a ``)`` ends a Markdown link) and quotes (link titles).
_LINK_UNSAFE = _URL_REFUSED | frozenset("()'")


def is_hidden(char: str) -> bool:
    """True for a character that changes direction or shows as nothing (see module doc)."""
    return unicodedata.category(char) == "Cf" or char in _BLANK_LETTERS or char in _INVISIBLE_OTHERS


def _printable(text: str) -> bool:
    """``str.isprintable`` allowing newlines and tabs: then no character but
    :data:`_PRINTABLE_HIDDEN` can be hidden (every other one is a format or separator)."""
    return text.replace("\n", "").replace("\t", "").isprintable()


def without_hidden(text: str) -> str:
    """``text`` minus hidden characters: how renderers show text stored before they were
    refused (the record keeps what was stored; readers are not misled by it)."""
    if _printable(text) and not any(char in text for char in _PRINTABLE_HIDDEN):
        return text  # the usual case, checked at C speed
    return "".join(char for char in text if not is_hidden(char))


def code_point(char: str) -> str:
    """``U+202E``: how a problem names a character a person cannot see."""
    return f"U+{ord(char):04X}"


def hidden_character_problem(text: str) -> str | None:
    """The sentence for the first hidden character in ``text``, or None if there is none."""
    if _printable(text) and not any(char in text for char in _PRINTABLE_HIDDEN):
        return None  # the usual case, checked at C speed (validation runs on every field)
    for char in text:
        if is_hidden(char):
            return f"contains an invisible or direction-changing character ({code_point(char)})"
    return None


def url_character_problem(url: str) -> str | None:
    """The sentence for the first character a web address may not contain, or None."""
    for char in url:
        if char.isspace():
            return f"contains a space or line break ({code_point(char)}); write spaces as %20"
        if char in _URL_REFUSED:
            return (
                f"contains '{char}', which is not allowed in a web address "
                f"(write it as {_percent(char)})"
            )
    return None


def link_target(url: str) -> str:
    """``url`` with every character that could end or split a link percent-encoded.

    Validation already refuses most of these; this keeps addresses stored before that rule
    (and parentheses, which stay legal) from closing a Markdown or Slack link early.
    """
    return "".join(
        _percent(char)
        if char in _LINK_UNSAFE or char.isspace() or is_hidden(char) or not char.isprintable()
        else char
        for char in url
    )


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))

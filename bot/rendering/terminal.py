"""Keeping the terminal a terminal: nothing the CLI echoes can send it escape sequences.

A brief file, an entry stored before validation refused control characters, a file name or a
typed argument can hold ESC or BEL (``\\x1b]0;PWNED\\x07`` retitles the window; other
sequences move the cursor, hide or rewrite earlier lines). Every byte the CLI writes goes
through :class:`PrintableStream`, so no value needs escaping at the place it is printed.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

from bot.domain.text_safety import is_hidden, without_hidden

# Newlines and tabs keep multi-line text readable; everything else that is not printable
# (C0/C1 controls, a lone CR that would overwrite a line, hidden characters) is spelled out.
_KEPT = frozenset("\n\t")


def printable(text: str) -> str:
    """``text`` with control and hidden characters written as Python escapes (``\\x1b``)."""
    text = text.replace("\r\n", "\n")
    # Some hidden characters count as printable (U+034F, U+3164…): the fast path checks them too.
    if text.isprintable() and without_hidden(text) == text:
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if char in _KEPT or unicodedata.category(char) == "Zs":  # spaces of any width are harmless
        return char
    # Not printable: controls, separators, surrogates (which could not even be encoded),
    # private-use and unassigned code points.
    if not char.isprintable() or is_hidden(char):
        code = ord(char)
        if code < 0x100:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return char


class PrintableStream:
    """A text stream that writes through :func:`printable` into ``unfiltered``.

    ``unfiltered`` stays reachable for output the program composes itself entirely, such as a
    progress bar that redraws its line with ``\\r``.
    """

    def __init__(self, unfiltered: TextIO) -> None:
        self.unfiltered = unfiltered

    def write(self, text: str) -> int:
        self.unfiltered.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.unfiltered.flush()

    def isatty(self) -> bool:
        return self.unfiltered.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unfiltered, name)


@contextmanager
def printable_streams() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` (and so ``print``, logging, argparse) through
    :class:`PrintableStream` while the block runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, PrintableStream(out))
    sys.stderr = cast(TextIO, PrintableStream(err))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def progress_bar(total: int) -> Callable[[int, int], None] | None:
    """A one-line progress bar on stderr for large imports in a terminal."""
    if total < 200 or not sys.stderr.isatty():
        return None
    # The bar is all our own text and redraws its line with \r, which the filter would spell out.
    stream: TextIO = getattr(sys.stderr, "unfiltered", sys.stderr)

    def show(done: int, total: int) -> None:
        if done % 100 and done != total:
            return
        width = 30
        filled = width * done // total
        stream.write(f"\rImporting [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show

"""Short text an editor types into a command (a feed's name, an address, a reason): checked
before it is stored or looked up, so every backend answers alike.

PostgreSQL cannot store NUL in text at all and SQLite would keep it; other control characters
would reach terminals and chat as they are; hidden ones make two names look the same. So each
is refused with the one sentence the editor reads, never stripped silently and never left to
the database to fail on.
"""

from __future__ import annotations

import unicodedata

from bot.domain.errors import InvalidInput
from bot.domain.text_safety import code_point, hidden_character_problem

# Line breaks and tabs are typing, not tricks: a reason may span lines, a name is joined up.
_TYPING = frozenset("\n\r\t")


def typed(what: str, text: str) -> str:
    """``text`` unchanged, or ``InvalidInput`` naming ``what`` and the first bad character."""
    if not text.isprintable():  # the usual case passes at C speed
        for char in text:
            if unicodedata.category(char) == "Cc" and char not in _TYPING:
                raise InvalidInput(
                    f"the {what} contains a control character ({code_point(char)});"
                    " type it again without it"
                )
    if problem := hidden_character_problem(text):
        raise InvalidInput(f"the {what} {problem}; type it again without it")
    return text

"""Checking a batch of brief files before an import: all of them pass, or nothing is written
and the editor reads every problem at once (``file: field: …``), not just the first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.brief_files import BriefDocument
from bot.domain.entries import EntryContent
from bot.domain.errors import Rejected
from bot.domain.validation import EntryValidationError, validate_entry
from bot.domain.vocabulary import Vocabulary


class ImportRejected(Rejected):
    """An import with problems: nothing was written. Each problem reads ``file: field: …``."""

    heading = "Nothing was imported:"
    problems: tuple[str, ...]

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported", problems)


def validate_documents(
    documents: Sequence[BriefDocument],
    problems: Sequence[str],
    vocabulary: Vocabulary,
    today: date,
) -> list[EntryContent]:
    """Every document as entry content, or ImportRejected with every problem (and ``problems``)."""
    found = list(problems)
    contents = []
    first_file: dict[str, str] = {}
    for document in documents:
        try:
            content = validate_entry(document.fields, vocabulary, today)
        except EntryValidationError as error:
            found += [f"{document.name}: {problem}" for problem in error.problems]
            continue
        if content.slug in first_file:
            found.append(
                f"{document.name}: slug: '{content.slug}' is also used by "
                f"{first_file[content.slug]}"
            )
            continue
        first_file[content.slug] = document.name
        contents.append(content)
    if found:
        raise ImportRejected(found)
    if not contents:
        raise ImportRejected(["no brief files found"])
    return contents

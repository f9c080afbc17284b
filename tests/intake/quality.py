"""Extraction quality on the labelled set (tests/intake/data): precision and recall of figures
(value + qualifier), claimant and status accuracy on the figures found.

``python -m tests.intake.quality`` prints the table for docs/intake.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.extraction.figures import extract_figures

DATA = Path(__file__).parent / "data"


def _norm(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", " ".join(text.lower().split()))


def same_claimant(found: str, gold: str) -> bool:
    """Equal, or one names the other more fully ("Zelensky" / "President Volodymyr Zelensky")."""
    a, b = _norm(found), _norm(gold)
    return a == b or (bool(a) and bool(b) and (a in b or b in a))


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    matched: int = 0
    claimant_ok: int = 0
    relays_ok: int = 0
    status_ok: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    def share(self, count: int) -> float:
        return count / self.matched if self.matched else 1.0


def score(misses: list[str] | None = None, held_out: bool = False) -> Score:
    """The labelled set (``held_out``: the articles written after the rules were tuned)."""
    name, folder = ("heldout.json", "heldout") if held_out else ("labels.json", "articles")
    labels: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    total = Score()
    for name, gold in labels.items():
        if name.startswith("_"):
            continue
        text = (DATA / folder / name).read_text(encoding="utf-8")
        found = extract_figures(text)
        total.gold += len(gold)
        total.found += len(found)
        left = list(gold)
        for figure in found:
            hit = next(
                (
                    g
                    for g in left
                    if _norm(g["value"]) == _norm(figure.value)
                    and g["qualifier"] == figure.qualifier.value
                ),
                None,
            )
            if hit is None:
                if misses is not None:
                    misses.append(f"{name}: extra {figure.value!r} ({figure.quantity})")
                continue
            left.remove(hit)
            total.matched += 1
            if same_claimant(figure.claimant, hit["claimant"]):
                total.claimant_ok += 1
            elif misses is not None:
                misses.append(
                    f"{name}: {figure.value!r} claimant {figure.claimant!r} ≠ {hit['claimant']!r}"
                )
            relays_ok = len(figure.relays) == len(hit["relays"]) and all(
                same_claimant(a, b) for a, b in zip(figure.relays, hit["relays"], strict=False)
            )
            total.relays_ok += relays_ok
            if figure.status.value == hit["status"]:
                total.status_ok += 1
            elif misses is not None:
                misses.append(
                    f"{name}: {figure.value!r} status {figure.status.value} ≠ {hit['status']}"
                )
        if misses is not None:
            misses.extend(f"{name}: missed {g['value']!r}" for g in left)
    return total


def report(result: Score) -> str:
    return (
        f"figures: {result.gold} labelled, {result.found} found, {result.matched} matched; "
        f"precision {result.precision:.2f}, recall {result.recall:.2f}; claimant accuracy "
        f"{result.share(result.claimant_ok):.2f}, relays {result.share(result.relays_ok):.2f}, "
        f"status {result.share(result.status_ok):.2f}"
    )


if __name__ == "__main__":
    for held_out in (False, True):
        problems: list[str] = []
        result = score(problems, held_out)
        print("\n".join(problems))
        print(("held-out " if held_out else "tuning ") + report(result))

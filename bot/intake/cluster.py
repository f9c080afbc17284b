"""Near-duplicate stories across outlets (wire copies, rewrites) grouped with MinHash LSH.

datasketch's MinHash over word 3-shingles of the title and lead; two items whose estimated
Jaccard similarity passes ``THRESHOLD`` are the same story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SCHEME = "affine32"  # stored signatures must be read back with the scheme that made them
THRESHOLD = 0.4
LEAD_WORDS = 80
_WORD = re.compile(r"[a-z0-9]+")


def shingles(title: str, text: str) -> list[bytes]:
    words = _WORD.findall(f"{title} {text}".lower())[:LEAD_WORDS]
    return [" ".join(words[i : i + 3]).encode() for i in range(max(1, len(words) - 2))]


# The random permutations depend only on the seed; made once, shared by every signature.
_TEMPLATE = MinHash(num_perm=NUM_PERM, scheme=SCHEME)


def signature(title: str, text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_TEMPLATE.permutations)
    minhash.update_batch(shingles(title, text))
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    return bytes(np.asarray(minhash.hashvalues, dtype=np.uint64).tobytes())


def from_bytes(data: bytes) -> MinHash:
    # The shared permutations: without them datasketch draws new ones (a millisecond each).
    return MinHash(
        num_perm=NUM_PERM,
        hashvalues=np.frombuffer(data, dtype=np.uint64),
        scheme=SCHEME,
        permutations=_TEMPLATE.permutations,
    )


class Clusters:
    """An index of stories: ``match`` finds the story an item belongs to, if any."""

    def __init__(self, known: Iterable[tuple[int, bytes]] = ()) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[int, MinHash] = {}
        for key, data in known:
            self.add(key, from_bytes(data))

    def __contains__(self, key: int) -> bool:
        return key in self._signatures

    def add(self, key: int, minhash: MinHash) -> None:
        if key in self._signatures:  # read again from the store after this process made it
            return
        self._lsh.insert(str(key), minhash)
        self._signatures[key] = minhash

    def match(self, minhash: MinHash) -> int | None:
        """The most similar known story above the threshold."""
        best: tuple[float, int] | None = None
        for found in self._lsh.query(minhash):
            key = int(found)
            score = minhash.jaccard(self._signatures[key])
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, key)
        return best[1] if best else None


class StoryMatcher:
    """:class:`Clusters` over stored signatures (the storage port's ``Matcher``)."""

    def __init__(self, known: Iterable[tuple[int, bytes]] = ()) -> None:
        self.clusters = Clusters(known)
        self._last: tuple[bytes, MinHash] | None = None

    def match_bytes(self, signature: bytes) -> int | None:
        return self.clusters.match(self._decoded(signature))

    def add_bytes(self, key: int, signature: bytes) -> None:
        if key not in self.clusters:  # this process's own stories come back from the store
            self.clusters.add(key, self._decoded(signature))

    def _decoded(self, signature: bytes) -> MinHash:
        # A new story is matched, then added: decoded once for both.
        if self._last is None or self._last[0] != signature:
            self._last = (signature, from_bytes(signature))
        return self._last[1]

"""Near-copies (syndicated reports): MinHash of word 5-grams with LSH banding."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence

import numpy as np

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 5) -> set[str]:
    """The text's word ``size``-grams (lowercased; the whole text when it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash(grams: set[str], count: int) -> tuple[int, ...]:
    """MinHash signature: for each of ``count`` hash functions, the least hash of any gram.

    The ``count`` independent 32-bit hash functions are consecutive slices of one
    SHAKE-128 digest per gram, so a report costs one hash call per gram; the minimum of
    each slice is taken over all digests at once.
    """
    if not grams:
        return ()
    size = 4 * count
    digests = b"".join([hashlib.shake_128(g.encode("utf-8")).digest(size) for g in grams])
    table = np.frombuffer(digests, dtype=">u4").reshape(len(grams), count)
    return tuple(table.min(axis=0).tolist())


class DuplicateDetector:
    """Finds near-copies (syndicated reports): MinHash of word 5-grams, LSH banding.

    ``check`` costs the same whatever the number of reports added: the text is hashed once
    and only reports that share an LSH band are compared (by estimated Jaccard similarity).
    """

    def __init__(self, *, threshold: float = 0.8, permutations: int = 128, bands: int = 32):
        if permutations % bands:
            raise ValueError("permutations must be a multiple of bands")
        self.threshold = threshold
        self.permutations = permutations
        self.bands = bands
        self._rows = permutations // bands
        self._signatures: dict[str, tuple[int, ...]] = {}
        self._original: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._buckets: dict[tuple[int, tuple[int, ...]], list[str]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, text: str) -> tuple[int, ...] | None:
        grams = shingles(text)
        return minhash(grams, self.permutations) if grams else None

    def check(self, report_id: str, text: str) -> str | None:
        """The original report id when ``text`` is a near-copy of an added report."""
        signature = self.signature(text)
        return self._match(report_id, signature) if signature else None

    def add(self, report_id: str, text: str) -> str | None:
        """Remember a report; returns (and records) its original when it is a near-copy."""
        if report_id in self._signatures:
            return self._original.get(report_id)
        signature = self.signature(text)
        if signature is None:
            return None
        original = self._match(report_id, signature)
        self.load(report_id, signature, original)
        return original

    def signature_of(self, report_id: str) -> tuple[int, ...] | None:
        """The signature remembered for a report (to store it without hashing again)."""
        return self._signatures.get(report_id)

    def load(self, report_id: str, signature: Sequence[int], original: str | None = None) -> None:
        """Remember a report from a stored ``signature(text)`` (no rehashing on restart)."""
        if report_id in self._signatures or len(signature) != self.permutations:
            return
        signature = tuple(signature)
        if original:
            self._original[report_id] = original
        self._signatures[report_id] = signature
        self._order[report_id] = len(self._order)
        for band, key in self._band_keys(signature):
            self._buckets.setdefault((band, key), []).append(report_id)

    def original_of(self, report_id: str) -> str | None:
        return self._original.get(report_id)

    def _band_keys(self, signature: tuple[int, ...]) -> Iterator[tuple[int, tuple[int, ...]]]:
        r = self._rows
        for band in range(self.bands):
            yield band, signature[band * r : (band + 1) * r]

    def _match(self, report_id: str, signature: tuple[int, ...]) -> str | None:
        seen: set[str] = set()
        best: tuple[int, str] | None = None  # (order added, original report id)
        for band_key in self._band_keys(signature):
            for other in self._buckets.get(band_key, ()):
                if other == report_id or other in seen:
                    continue
                seen.add(other)
                theirs = self._signatures[other]
                same = sum(x == y for x, y in zip(signature, theirs, strict=True))
                if same / self.permutations >= self.threshold:
                    root = self._original.get(other, other)
                    if root == report_id:
                        continue
                    rank = self._order[root]
                    if best is None or rank < best[0]:
                        best = (rank, root)
        return best[1] if best else None

"""Near-copies (syndicated reports): MinHash of word 5-grams with LSH banding."""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

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


def band_key(band: int, rows: Sequence[int]) -> int:
    """A signed 64-bit key for one LSH band (its number and its rows of the signature), as
    SQLite stores integers."""
    data = struct.pack(f">H{len(rows)}I", band, *rows)  # 2 + 4 bytes each, big-endian
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


class BandIndex(Protocol):
    """Where a detector keeps what it knows of reports: in memory, or in a store."""

    def candidates(self, keys: Sequence[int]) -> Iterable[tuple[str, str | None, tuple[int, ...]]]:
        """(report id, original id, signature) of known reports sharing one of ``keys``."""
        ...

    def remember(
        self, report_id: str, signature: tuple[int, ...], original: str | None, keys: list[int]
    ) -> None: ...

    def knows(self, report_id: str) -> bool: ...

    def signature_of(self, report_id: str) -> tuple[int, ...] | None: ...

    def original_of(self, report_id: str) -> str | None: ...

    def order_of(self, report_id: str) -> int: ...


class MemoryBandIndex:
    """Every signature and bucket in memory: for a run over files (`sitrep extract`)."""

    def __init__(self) -> None:
        self._signatures: dict[str, tuple[int, ...]] = {}
        self._original: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._buckets: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def candidates(self, keys: Sequence[int]) -> Iterator[tuple[str, str | None, tuple[int, ...]]]:
        for key in keys:
            for other in self._buckets.get(key, ()):
                yield other, self._original.get(other), self._signatures[other]

    def remember(
        self, report_id: str, signature: tuple[int, ...], original: str | None, keys: list[int]
    ) -> None:
        if original:
            self._original[report_id] = original
        self._signatures[report_id] = signature
        self._order[report_id] = len(self._order)
        for key in keys:
            self._buckets.setdefault(key, []).append(report_id)

    def knows(self, report_id: str) -> bool:
        return report_id in self._signatures

    def signature_of(self, report_id: str) -> tuple[int, ...] | None:
        return self._signatures.get(report_id)

    def original_of(self, report_id: str) -> str | None:
        return self._original.get(report_id)

    def order_of(self, report_id: str) -> int:
        return self._order[report_id]


class DuplicateDetector:
    """Finds near-copies (syndicated reports): MinHash of word 5-grams, LSH banding.

    ``check`` costs the same whatever the number of reports added: the text is hashed once
    and only reports that share an LSH band are compared (by estimated Jaccard similarity).
    What it knows lives in ``index`` (memory by default; a store's band keys for a writer,
    so memory does not grow with the store).
    """

    def __init__(
        self,
        *,
        threshold: float = 0.8,
        permutations: int = 128,
        bands: int = 32,
        index: BandIndex | None = None,
    ):
        if permutations % bands:
            raise ValueError("permutations must be a multiple of bands")
        self.threshold = threshold
        self.permutations = permutations
        self.bands = bands
        self._rows = permutations // bands
        self.index: BandIndex = index if index is not None else MemoryBandIndex()

    def __len__(self) -> int:
        return len(self.index)  # type: ignore[arg-type]

    def signature(self, text: str) -> tuple[int, ...] | None:
        grams = shingles(text)
        return minhash(grams, self.permutations) if grams else None

    def check(self, report_id: str, text: str) -> str | None:
        """The original report id when ``text`` is a near-copy of an added report."""
        signature = self.signature(text)
        return self._match(report_id, signature) if signature else None

    def add(self, report_id: str, text: str) -> str | None:
        """Remember a report; returns (and records) its original when it is a near-copy."""
        if self.index.knows(report_id):
            return self.index.original_of(report_id)
        signature = self.signature(text)
        if signature is None:
            return None
        keys = self.band_keys(signature)
        original = self._match(report_id, signature, keys)
        self.index.remember(report_id, signature, original, keys)
        return original

    def signature_of(self, report_id: str) -> tuple[int, ...] | None:
        """The signature remembered for a report (to store it without hashing again)."""
        return self.index.signature_of(report_id)

    def load(self, report_id: str, signature: Sequence[int], original: str | None = None) -> None:
        """Remember a report from a stored ``signature(text)`` (no rehashing on restart)."""
        if self.index.knows(report_id) or len(signature) != self.permutations:
            return
        signature = tuple(signature)
        self.index.remember(report_id, signature, original, self.band_keys(signature))

    def original_of(self, report_id: str) -> str | None:
        return self.index.original_of(report_id)

    def band_keys(self, signature: Sequence[int]) -> list[int]:
        """The LSH band keys of a signature."""
        r = self._rows
        return [band_key(band, signature[band * r : (band + 1) * r]) for band in range(self.bands)]

    def _match(
        self, report_id: str, signature: tuple[int, ...], keys: list[int] | None = None
    ) -> str | None:
        seen: set[str] = set()
        best: tuple[int, str] | None = None  # (order added, original report id)
        keys = keys if keys is not None else self.band_keys(signature)
        for other, original, theirs in self.index.candidates(keys):
            if other == report_id or other in seen or len(theirs) != self.permutations:
                continue
            seen.add(other)
            same = sum(x == y for x, y in zip(signature, theirs, strict=True))
            if same / self.permutations >= self.threshold:
                root = original or other
                if root == report_id:
                    continue
                rank = self.index.order_of(root)
                if best is None or rank < best[0]:
                    best = (rank, root)
        return best[1] if best else None

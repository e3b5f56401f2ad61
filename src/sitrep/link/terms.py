"""Term statistics: IDF over the reports seen, frame vectors and event term centroids."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import itemgetter, mul

from sitrep.models import EventFrame

Vector = tuple[dict[str, float], float]  # term weights and their norm


_WEIGHTED_COPY = re.compile(r"[a-z]:")  # a term that repeats another under a prefix
_SMALL = 64
_LOGS = (0.0, *(math.log(n) for n in range(1, _SMALL)))  # log of small term counts


class SeenIds:
    """Which ids were seen, in bounded memory: a set of the first ``exact`` ids, then a Bloom
    filter of ``bits`` bits and ``hashes`` hash functions holding them all (8 MiB by
    default). No false negatives; once past ``exact``, rare false positives (about 1 in 10**9
    after 200,000 ids, 2 in 10**6 after a million, 4 in 100 after ten million): a use that
    counts each id once may, that rarely, skip one."""

    def __init__(self, *, exact: int = 100_000, bits: int = 1 << 26, hashes: int = 5) -> None:
        self._exact: set[str] | None = set()
        self._limit = exact
        self._size = bits
        self._hashes = hashes
        self._bits = bytearray()

    def add(self, key: str) -> bool:
        """Record ``key``; whether it was (probably) seen before."""
        exact = self._exact
        if exact is None:
            return self._filter(key)
        if key in exact:
            return True
        exact.add(key)
        if len(exact) > self._limit:
            self._bits = bytearray(self._size // 8)
            for known in exact:
                self._filter(known)
            self._exact = None
        return False

    def _filter(self, key: str) -> bool:
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        first = int.from_bytes(digest[:8], "little")
        step = int.from_bytes(digest[8:], "little") | 1
        bits, size, seen = self._bits, self._size, True
        for i in range(self._hashes):
            position = (first + i * step) % size
            byte, mask = position >> 3, 1 << (position & 7)
            if not bits[byte] & mask:
                seen = False
                bits[byte] |= mask
        return seen


MAX_TERMS = 200_000
"""Terms whose document frequency ``TermStats`` keeps: past it the rarest are dropped (a
dropped term counts as unseen until met again), so memory does not grow with a long run."""


class TermStats:
    """Document frequencies of terms over the reports seen (each report counted once), in
    bounded memory (``SeenIds``, ``max_terms``)."""

    def __init__(self, *, cache_size: int = 8192, max_terms: int = MAX_TERMS) -> None:
        self.documents = 0
        self.df: Counter[str] = Counter()
        self.max_terms = max_terms
        self._reports = SeenIds()
        self._vectors: OrderedDict[str, tuple[int, Vector]] = OrderedDict()
        self._cache_size = cache_size
        # idf by document frequency, for the current number of reports: a term's idf depends
        # on nothing else, and few distinct frequencies occur
        self._by_df: dict[int, float] = {}
        self._idf_documents = 0
        self._dot_key: tuple[int, int] | None = None  # see _idf_of
        self._dot_idf: dict[str, float] = {}
        self._dot_weights: dict[str, float] | None = None
        self._epoch = 0
        self._epoch_documents = 0  # the number of reports _epoch is for

    def observe(self, frame: EventFrame) -> None:
        if self._reports.add(frame.report_id):
            return
        self.documents += 1
        self.df.update(set(frame.terms))
        if len(self.df) > self.max_terms:
            self._drop_rare_terms()

    def _drop_rare_terms(self) -> None:
        """Keep at most half of ``max_terms``: drop the terms seen in one report, then in
        two, and so on (lossy counting: a term met again restarts from its new reports)."""
        floor = 0
        while len(self.df) > self.max_terms // 2:
            floor += 1
            self.df = Counter({t: n for t, n in self.df.items() if n > floor})

    def idf(self, term: str) -> float:
        return self.idfs((term,))[0]

    def idfs(self, terms: Iterable[str]) -> list[float]:
        """``[idf(t) for t in terms]``, looked up by document frequency."""
        documents = self.documents
        by_df = self._by_df
        if self._idf_documents != documents:  # a report was seen: weights changed
            by_df.clear()
            self._idf_documents = documents
        terms = tuple(terms)
        if len(terms) < 2:  # itemgetter of one key gives the value, not a tuple
            counts: tuple[int, ...] = tuple(self.df[t] for t in terms)
        else:
            counts = itemgetter(*terms)(self.df)  # a Counter gives 0 for unseen terms
        for n in set(counts).difference(by_df):
            by_df[n] = math.log((documents + 1) / (n + 1)) + 1.0
        if len(counts) < 2:
            return [by_df[n] for n in counts]
        return list(itemgetter(*counts)(by_df))

    @property
    def epoch(self) -> int:
        """Changes each time the number of reports grows by 5%: cached vectors are reweighted
        then, so scoring a candidate does not recompute its vector every time."""
        if self._epoch_documents != self.documents:
            self._epoch = int(math.log(self.documents + 1) / math.log(1.05))
            self._epoch_documents = self.documents
        return self._epoch

    def vector(self, terms: Sequence[str]) -> Vector:
        """Sublinear tf x idf weights and their Euclidean norm."""
        counts = Counter(terms)
        counts.pop("", None)
        weights = {
            t: (1.0 + (_LOGS[n] if n < _SMALL else math.log(n))) * idf
            for (t, n), idf in zip(counts.items(), self.idfs(counts), strict=True)
        }
        return weights, math.sqrt(sum(w * w for w in weights.values()))

    def frame_vector(self, frame: EventFrame) -> Vector:
        """``vector(frame.terms)``, cached per frame for the current epoch."""
        epoch = self.epoch
        hit = self._vectors.get(frame.id)
        if hit is not None and hit[0] == epoch:
            self._vectors.move_to_end(frame.id)
            return hit[1]
        vector = self.vector(frame.terms)
        self._vectors[frame.id] = (epoch, vector)
        self._vectors.move_to_end(frame.id)
        if len(self._vectors) > self._cache_size:
            self._vectors.popitem(last=False)
        return vector

    def centroid_cosine(self, vector: Vector, centroid: EventTerms) -> float:
        """Cosine of a frame's vector and an event's IDF-weighted term centroid."""
        weights, norm = vector
        if not norm or not centroid.frames:
            return 0.0
        tf = centroid.tf
        shared = list(filter(tf.__contains__, weights))
        # sum(w * tf[t] * idf(t) for t, w in weights.items() if t in tf), summed in the same
        # order without a Python-level loop
        dot = sum(
            map(
                mul,
                map(mul, map(weights.__getitem__, shared), map(tf.__getitem__, shared)),
                map(self._idf_of(weights).__getitem__, shared),
            )
        )
        if not dot:
            return 0.0
        return dot / (norm * centroid.norm(self.idf, self.epoch, many=self.idfs))

    def _idf_of(self, weights: dict[str, float]) -> dict[str, float]:
        """The idf of a vector's terms; kept for the last vector asked while no report is
        seen, as one frame is compared with many events in a row."""
        key = (id(weights), self.documents)
        if self._dot_key != key or self._dot_weights is not weights:
            self._dot_idf = dict(zip(weights, self.idfs(weights), strict=True))
            self._dot_key, self._dot_weights = key, weights
        return self._dot_idf

    def signature(self, terms: Sequence[str], size: int, max_share: float = 0.05) -> list[str]:
        """The report's ``size`` most salient terms (``terms`` come most salient first),
        skipping terms found in more than ``max_share`` of the reports seen (once there are
        enough reports to tell) and weighted copies ("e:name", see ``report_terms``)."""
        limit = max(20.0, max_share * self.documents)
        picked = [
            t
            for t in dict.fromkeys(terms)
            if not _WEIGHTED_COPY.match(t) and self.df.get(t, 0) <= limit
        ]
        return picked[:size]


def cosine(a: Vector, b: Vector) -> float:
    (wa, na), (wb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(wa) > len(wb):
        wa, wb = wb, wa
    return sum(w * wb[t] for t, w in wa.items() if t in wb) / (na * nb)


class EventTerms:
    """An event's term centroid: per term, the sum over its frames of the frame's sublinear
    term frequency divided by that frame's norm, so each report weighs alike. IDF weights are
    applied when it is compared (:meth:`TermStats.centroid_cosine`), so they stay current.
    """

    __slots__ = ("_epoch", "_norm_sq", "_pending", "frames", "tf")

    def __init__(self) -> None:
        self.frames = 0
        self.tf: dict[str, float] = {}
        self._epoch: int | None = None  # TermStats.epoch of the IDF weights in _norm_sq
        self._norm_sq = 0.0
        self._pending: dict[str, float] = {}  # term -> its weight before the latest frames

    def add(self, terms: Sequence[str]) -> None:
        weights, norm = _frame_weights(tuple(terms))
        if not weights:
            return
        tf, pending = self.tf, self._pending
        for term, weight in weights.items():
            before = tf.get(term, 0.0)
            pending.setdefault(term, before)
            tf[term] = before + weight / norm
        self.frames += 1

    def absorb(self, other: EventTerms) -> None:
        """Add another centroid's frames to this one (two events or episodes merged)."""
        for term, weight in other.tf.items():
            before = self.tf.get(term, 0.0)
            self._pending.setdefault(term, before)
            self.tf[term] = before + weight
        self.frames += other.frames

    def norm(
        self,
        idf: Callable[[str], float],
        epoch: int,
        *,
        many: Callable[[Iterable[str]], list[float]] | None = None,
    ) -> float:
        """Norm of the IDF-weighted centroid: recomputed when ``epoch`` changes, otherwise
        updated for the terms of the frames added since (so its cost does not grow with the
        event). ``many``: ``idf`` of several terms at once (faster, same values)."""
        if self._epoch != epoch:
            tf = self.tf
            weights = many(tf) if many is not None else [idf(t) for t in tf]
            # sum((w * idf(t)) ** 2 for t, w in tf.items()), without a Python-level loop
            self._norm_sq = sum(map(pow, map(mul, tf.values(), weights), repeat(2)))
            self._epoch = epoch
        elif self._pending:
            pending, tf = self._pending, self.tf
            weights = many(pending) if many is not None else [idf(t) for t in pending]
            for (term, before), weight in zip(pending.items(), weights, strict=True):
                self._norm_sq += (tf[term] ** 2 - before**2) * weight**2
        self._pending.clear()
        return math.sqrt(max(self._norm_sq, 0.0))


_WEIGHTS_CACHE = 4096  # term lists whose weights are kept (a frame joins several centroids)
_weights_cache: dict[tuple[str, ...], tuple[dict[str, float], float]] = {}


def _frame_weights(terms: tuple[str, ...]) -> tuple[dict[str, float], float]:
    """Sublinear term frequencies of one frame's terms and their norm (read only)."""
    found = _weights_cache.get(terms)
    if found is None:
        counts = Counter(t for t in terms if t)
        weights = {t: 1.0 + math.log(n) for t, n in counts.items()}
        found = weights, math.sqrt(sum(w * w for w in weights.values()))
        if len(_weights_cache) >= _WEIGHTS_CACHE:
            _weights_cache.clear()
        _weights_cache[terms] = found
    return found
